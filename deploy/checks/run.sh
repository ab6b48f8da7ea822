#!/usr/bin/env bash
# The deployment checks: docker-compose.yml, the Kubernetes manifests (deploy/k8s) and the
# image (deploy/Dockerfile) against the code. One line per check on standard output ("ok" or
# "FAIL", its name, what it established), the details of a failure on standard error, and a
# closing line "N passed, N failed". Exits 1 when any check fails. Installs its tools on first
# use (deploy/checks/tools.sh). What each check covers: deploy/README.md, "Checks".
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CHECKS="$ROOT/deploy/checks"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT" || exit 1
export PYTHONDONTWRITEBYTECODE=1

passed=0
failed=0
run_check() { # NAME COMMAND...
  local name="$1"; shift
  if "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"; then
    passed=$((passed + 1))
    printf 'ok   %-26s %s\n' "$name" "$(tail -n 1 "$TMP/$name.out")"
  else
    failed=$((failed + 1))
    printf 'FAIL %-26s %s\n' "$name" "$(tail -n 1 "$TMP/$name.out")"
    { echo "---- $name"; cat "$TMP/$name.err"; head -n -1 "$TMP/$name.out"; } | sed 's/^/    /' >&2
  fi
}

# ---- tools
tools() {
  local bin
  bin="$(bash "$CHECKS/tools.sh")" || return 1
  echo "$bin" >"$TMP/bin"
  echo "pinned tools ready in ${bin%/bin}"
}
run_check tools tools
BIN="$(cat "$TMP/bin" 2>/dev/null || echo /nonexistent)"
PY="$BIN/python"
KUBECTL="$(command -v kubectl || true)"
if ! "${KUBECTL:-false}" kustomize --help >/dev/null 2>&1; then KUBECTL="$BIN/kubectl"; fi
BASE="$TMP/base.yaml"
OVERLAY="$TMP/overlay.yaml"

# ---- compose
compose_schema() {
  "$BIN/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml deploy/compose.idp.yml >&2 || return 1
  echo "docker-compose.yml and deploy/compose.idp.yml are valid against the Compose Specification schema"
}
run_check compose-schema compose_schema
run_check compose-env "$PY" "$CHECKS/deploy_checks.py" compose-env
run_check compose-config "$PY" "$CHECKS/deploy_checks.py" compose-config

# ---- kubernetes
k8s_render() {
  "$KUBECTL" kustomize deploy/k8s/base >"$BASE" || return 1
  "$KUBECTL" kustomize deploy/k8s/overlays/production >"$OVERLAY" || return 1
  echo "base $(grep -c '^kind:' "$BASE") objects, overlay production $(grep -c '^kind:' "$OVERLAY") objects" \
       "($("$KUBECTL" version --client 2>/dev/null | grep -i kustomize | tr -d '\n'))"
}
run_check k8s-render k8s_render

# Every object against the official schemas of the oldest and the newest Kubernetes version
# we support, strictly (unknown fields are errors). The two operator resources of the overlay
# (PodMonitor, PrometheusRule) have no schema there; k8s-workloads checks them.
k8s_schema() {
  local version file status=0
  for version in 1.30.0 1.37.0; do
    for file in "$BASE" "$OVERLAY"; do
      "$BIN/kubernetes-validate" --strict --kubernetes-version "$version" "$file" >"$TMP/kv.out" 2>&1 || status=1
      grep -v '^INFO' "$TMP/kv.out" | grep -vE "Couldn't find schema for kind (PodMonitor|PrometheusRule) " >&2 && status=1
    done
  done
  [ "$status" -eq 0 ] && echo "every object valid (strict) against the Kubernetes 1.30 and 1.37 schemas"
}
run_check k8s-schema k8s_schema

yaml_lint() {
  "$BIN/yamllint" --strict -c "$CHECKS/yamllint.yaml" docker-compose.yml deploy/compose.idp.yml deploy/k8s \
    deploy/checks/yamllint.yaml deploy/checks/hadolint.yaml >&2 || return 1
  echo "docker-compose.yml, deploy/compose.idp.yml and deploy/k8s pass yamllint"
}
run_check yaml-lint yaml_lint
run_check k8s-env "$PY" "$CHECKS/deploy_checks.py" k8s-env --base "$BASE" --overlay "$OVERLAY"
run_check k8s-workloads "$PY" "$CHECKS/deploy_checks.py" k8s-workloads --base "$BASE" --overlay "$OVERLAY"
run_check k8s-network "$PY" "$CHECKS/deploy_checks.py" k8s-network --base "$BASE" --overlay "$OVERLAY"
run_check identity-config "$PY" "$CHECKS/deploy_checks.py" identity-config --base "$BASE" --overlay "$OVERLAY"

# ---- documentation
run_check config-docs "$PY" "$CHECKS/deploy_checks.py" config-docs

# ---- image and scripts
run_check dockerfile "$PY" "$CHECKS/deploy_checks.py" dockerfile --hadolint "$BIN/hadolint"
run_check image-tools "$PY" "$CHECKS/deploy_checks.py" image-tools
shell_scripts() {
  "$BIN/shellcheck" -x deploy/postgres/init-databases.sh deploy/k8s/base/*.sh deploy/kafka/start-broker.sh \
    deploy/docker/ias-probe deploy/checks/*.sh >&2 || return 1
  echo "init-databases.sh, the Kafka scripts (topics, users and ACLs, broker start), ias-probe and the check scripts pass shellcheck"
}
run_check shell-scripts shell_scripts

# The init script against a real PostgreSQL; then proof that the test notices a script that
# forgets to close the databases to other roles.
postgres_init() {
  bash "$CHECKS/postgres_isolation.sh" || return 1
  grep -v 'REVOKE ALL ON DATABASE' deploy/postgres/init-databases.sh >"$TMP/weak-init.sh"
  chmod +x "$TMP/weak-init.sh"
  if INIT_SCRIPT="$TMP/weak-init.sh" bash "$CHECKS/postgres_isolation.sh" >/dev/null 2>&1; then
    echo "the isolation test did not notice a script without REVOKE" >&2
    return 1
  fi
}
run_check postgres-init postgres_init

# ---- proof that the checks fail when they should
run_check selftest-new-required-key "$PY" "$CHECKS/selftest.py" new-required-key --base "$BASE" --overlay "$OVERLAY"
run_check selftest-seeded-faults "$PY" "$CHECKS/selftest.py" seeded-faults --base "$BASE" --overlay "$OVERLAY"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
