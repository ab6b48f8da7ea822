#!/usr/bin/env bash
# `make token ORG=municipality:4001 ROLE=caseworker [SUB=…] [TTL=3600]`: mints a bearer token
# for the local stack, signed with IAS_JWT_SECRET or, when it is unset, with the documented
# development secret of `make run`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export IAS_JWT_SECRET="${IAS_JWT_SECRET:-local-development-secret-change-me-0123456789}"
export LD_LIBRARY_PATH="$ROOT/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
BIN="$(swift build --show-bin-path)"
[ -x "$BIN/ias-admin" ] || swift build --product ias-admin >/dev/null
"$BIN/ias-admin" token --org "${ORG:?set ORG, e.g. ORG=canton:KSD}" --role "${ROLE:-caseworker}" \
  --sub "${SUB:-local-user}" --ttl "${TTL:-3600}"
