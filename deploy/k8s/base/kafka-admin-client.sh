# shellcheck shell=sh
# Sourced by create-topics.sh and create-kafka-users.sh: writes the client settings of the Kafka
# command-line tools for the cluster's admin user into a private file and names it in
# KAFKA_CLIENT_CONFIG (pass it as --command-config). The password comes from a file and is
# never put on a command line.
#
#   KAFKA_SECURITY_PROTOCOL     PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL               (SASL_SSL)
#   KAFKA_SASL_MECHANISM        PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512                   (SCRAM-SHA-512)
#   KAFKA_ADMIN_USER            the admin user (a super user, or one allowed to alter
#                               users, ACLs and topics)                                  required with SASL
#   KAFKA_ADMIN_PASSWORD_FILE   file holding its password                               required with SASL
#   KAFKA_CA_FILE               PEM file of the CA that signed the brokers' certificates (empty: the JVM's)

KAFKA_SECURITY_PROTOCOL="${KAFKA_SECURITY_PROTOCOL:-SASL_SSL}"
KAFKA_CLIENT_CONFIG="${TMPDIR:-/tmp}/ias-kafka-admin-$$.properties"

# The one rule the passwords of this deployment follow, so that they can go into a JAAS line
# and a properties file without quoting (openssl rand -hex 32 fits).
password_is_plain() {
  case "$1" in
    "" | *[!A-Za-z0-9._~+/=-]*) return 1 ;;
    *) return 0 ;;
  esac
}

write_kafka_client_config() {
  umask 077
  printf 'security.protocol=%s\n' "$KAFKA_SECURITY_PROTOCOL" >"$KAFKA_CLIENT_CONFIG"
  case "$KAFKA_SECURITY_PROTOCOL" in
    SASL_*)
      mechanism="${KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}"
      user="${KAFKA_ADMIN_USER:?KAFKA_ADMIN_USER is not set (the admin user of the brokers)}"
      file="${KAFKA_ADMIN_PASSWORD_FILE:?KAFKA_ADMIN_PASSWORD_FILE is not set (the file with the admin password)}"
      [ -r "$file" ] || { echo "KAFKA_ADMIN_PASSWORD_FILE=$file cannot be read" >&2; return 1; }
      password="$(cat "$file")"
      password_is_plain "$password" || {
        echo "the password in $file is empty or has characters other than letters, digits and ._~+/=- (use openssl rand -hex 32)" >&2
        return 1
      }
      case "$mechanism" in
        PLAIN) module=org.apache.kafka.common.security.plain.PlainLoginModule ;;
        SCRAM-SHA-256 | SCRAM-SHA-512) module=org.apache.kafka.common.security.scram.ScramLoginModule ;;
        *) echo "KAFKA_SASL_MECHANISM=$mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" >&2; return 1 ;;
      esac
      {
        printf 'sasl.mechanism=%s\n' "$mechanism"
        printf 'sasl.jaas.config=%s required username="%s" password="%s";\n' "$module" "$user" "$password"
      } >>"$KAFKA_CLIENT_CONFIG"
      ;;
    PLAINTEXT | SSL) ;;
    *) echo "KAFKA_SECURITY_PROTOCOL=$KAFKA_SECURITY_PROTOCOL must be PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL" >&2; return 1 ;;
  esac
  case "$KAFKA_SECURITY_PROTOCOL" in
    *SSL)
      if [ -n "${KAFKA_CA_FILE:-}" ]; then
        printf 'ssl.truststore.type=PEM\nssl.truststore.location=%s\n' "$KAFKA_CA_FILE" >>"$KAFKA_CLIENT_CONFIG"
      fi
      ;;
  esac
}

remove_kafka_client_config() { rm -f "$KAFKA_CLIENT_CONFIG"; }
