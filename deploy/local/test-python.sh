#!/usr/bin/env bash
# Installs, once, the Python packages of deploy/local/test-requirements.txt into a virtual
# environment under .local/test-venv (again when that file changes) and prints the path of its
# python. `make test` exports it as IAS_TEST_PYTHON.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOCAL="${IAS_LOCAL_DIR:-$ROOT/.local}"
VENV="$LOCAL/test-venv"
REQUIREMENTS="$ROOT/deploy/local/test-requirements.txt"

# shellcheck source=python-venv.sh
source "$ROOT/deploy/local/python-venv.sh"
ensure_venv "$VENV" "$REQUIREMENTS"
echo "$VENV/bin/python"
