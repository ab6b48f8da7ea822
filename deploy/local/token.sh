#!/usr/bin/env bash
# `make token ORG=municipality:4001 ROLE=caseworker [SUB=…] [TTL=3600]`: mints a bearer token
# for the local stack with `ias-token` (HS256, never part of the image), signed with
# IAS_JWT_SECRET or, when it is unset, with the documented development secret of `make run`.
# IAS_JWT_ISSUER and IAS_JWT_AUDIENCE, when set, become its iss and aud.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export IAS_JWT_SECRET="${IAS_JWT_SECRET:-local-development-secret-change-me-0123456789}"
export LD_LIBRARY_PATH="$ROOT/.local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
BIN="$(swift build --show-bin-path)"
[ -x "$BIN/ias-token" ] || swift build --product ias-token >/dev/null
"$BIN/ias-token" --org "${ORG:?set ORG, e.g. ORG=canton:KSD}" --role "${ROLE:-caseworker}" \
  --sub "${SUB:-local-user}" --ttl "${TTL:-3600}"
