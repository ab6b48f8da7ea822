#!/bin/sh
# The broker of docker-compose.yml (official apache/kafka image): SASL on every listener,
# written here because the image cannot take a JAAS configuration from its environment.
#   * the admin user (PLAIN, defined in the JAAS file below from the secret file
#     KAFKA_ADMIN_PASSWORD_FILE) is the broker's own identity towards its controller and a
#     super user: the topics and kafka-users jobs connect with it;
#   * every program has a SCRAM-SHA-512 user of its own, created by the kafka-users job
#     (deploy/k8s/base/create-kafka-users.sh) and limited by ACLs (StandardAuthorizer).
# Also writes /tmp/admin-client.properties, the admin's client settings for the health check
# and for operators' commands inside the container (--command-config /tmp/admin-client.properties).
set -eu

file="${KAFKA_ADMIN_PASSWORD_FILE:?KAFKA_ADMIN_PASSWORD_FILE is not set}"
password="$(cat "$file")"
case "$password" in
  "" | *[!A-Za-z0-9._~+/=-]*)
    echo "the admin password in $file is empty or has characters other than letters, digits and ._~+/=- (use openssl rand -hex 32)" >&2
    exit 1 ;;
esac

umask 077
cat >/tmp/kafka_server_jaas.conf <<JAAS
KafkaServer {
  org.apache.kafka.common.security.plain.PlainLoginModule required
    username="admin" password="$password" user_admin="$password";
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
JAAS
cat >/tmp/admin-client.properties <<CLIENT
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$password";
CLIENT

KAFKA_OPTS="-Djava.security.auth.login.config=/tmp/kafka_server_jaas.conf${KAFKA_OPTS:+ $KAFKA_OPTS}"
export KAFKA_OPTS
exec /etc/kafka/docker/run
