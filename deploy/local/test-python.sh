#!/usr/bin/env bash
# Installs, once, the Python packages of deploy/local/test-requirements.txt into a virtual
# environment under .local/test-venv (again when that file changes) and prints the path of its
# python. `make test` exports it as IAS_TEST_PYTHON.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL="${IAS_LOCAL_DIR:-$ROOT/.local}"
VENV="$LOCAL/test-venv"
REQUIREMENTS="$ROOT/deploy/local/test-requirements.txt"

log() { printf '[test-python] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$wanted" ]; then
  log "installing the tests' Python packages into $VENV"
  rm -rf "$VENV"
  mkdir -p "$LOCAL"
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQUIREMENTS" >&2
  echo "$wanted" >"$VENV/.requirements.sha256"
fi
echo "$VENV/bin/python"
