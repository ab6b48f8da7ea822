# shellcheck shell=bash
# ensure_venv VENV REQUIREMENTS: a Python virtual environment at VENV holding the packages
# pinned in REQUIREMENTS, made once and again whenever that file changes (its hash is kept
# beside the environment). Installs python3-venv from Debian when the machine lacks it.
# Sourced by deploy/local/test-python.sh and deploy/checks/tools.sh.
ensure_venv() {
  local venv="$1" requirements="$2" wanted
  wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
  [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$wanted" ] && return 0
  printf '[python-venv] installing %s into %s\n' "$(basename "$requirements")" "$venv" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
  echo "$wanted" >"$venv/.requirements.sha256"
}
