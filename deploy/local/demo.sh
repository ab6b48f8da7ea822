#!/usr/bin/env bash
# Loads a small demo cohort through the public API (as a department system would).
# Needs IAS_ADMIN_BIN, IAS_JWT_SECRET, IAS_INTAKE_URL, IAS_COORDINATION_URL.
set -euo pipefail
TOKEN="$("$IAS_ADMIN_BIN" token --org canton:KSD --role caseworker --sub demo-loader)"
post() {
  curl -fsS -X POST "$IAS_INTAKE_URL/persons" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: demo-$1" -d "$2"
}
household="7b0f8a52-3c55-4d8e-9a43-5f1e2d6c9a01"
ids=()
while IFS='|' read -r key json; do
  [ -n "$key" ] || continue
  case_id="$(post "$key" "$json" | sed -E 's/.*"caseId":"([^"]+)".*/\1/')"
  ids+=("$case_id")
done <<JSON
tesfaye|{"zemisNumber":"20251001","givenName":"Tesfaye","familyName":"Demo-Haile","dateOfBirth":"1988-05-14","sex":"male","nationality":"ER","languages":["ti","ar"],"status":"FL","enteredCantonOn":"2026-03-02","statusDecidedOn":"2026-02-20","householdId":"$household","accommodation":"cantonal"}
selam|{"zemisNumber":"20251002","givenName":"Selam","familyName":"Demo-Haile","dateOfBirth":"1991-11-30","sex":"female","nationality":"ER","languages":["ti"],"status":"FL","enteredCantonOn":"2026-03-02","statusDecidedOn":"2026-02-20","householdId":"$household","accommodation":"cantonal"}
yonas|{"zemisNumber":"20251003","givenName":"Yonas","familyName":"Demo-Haile","dateOfBirth":"2009-01-09","sex":"male","nationality":"ER","languages":["ti"],"status":"FL","enteredCantonOn":"2026-03-02","statusDecidedOn":"2026-02-20","householdId":"$household","accommodation":"cantonal"}
lula|{"zemisNumber":"20251004","givenName":"Lula","familyName":"Demo-Haile","dateOfBirth":"2023-06-01","sex":"female","nationality":"ER","languages":["ti"],"status":"FL","enteredCantonOn":"2026-03-02","statusDecidedOn":"2026-02-20","householdId":"$household","accommodation":"cantonal"}
farid|{"zemisNumber":"20251005","givenName":"Farid","familyName":"Demo-Rahimi","dateOfBirth":"1996-08-21","sex":"male","nationality":"AFG","languages":["prs","fa"],"status":"VA","enteredCantonOn":"2025-10-15","statusDecidedOn":"2025-10-01","accommodation":"municipal","responsibleOrg":"municipality:4001"}
nour|{"zemisNumber":"20251006","givenName":"Nour","familyName":"Demo-Khalil","dateOfBirth":"2000-02-02","sex":"female","nationality":"SYR","languages":["ar"],"status":"N","enteredCantonOn":"2026-08-10","accommodation":"cantonal"}
JSON
echo "[demo] registered ${#ids[@]} persons; first dossier: $IAS_COORDINATION_URL/cases/${ids[0]}/dossier" >&2
for _ in $(seq 1 50); do
  if curl -fsS "$IAS_COORDINATION_URL/cases/${ids[0]}/dossier" -H "Authorization: Bearer $TOKEN" >/dev/null 2>&1; then
    echo "[demo] the dossiers are built" >&2; exit 0
  fi
  sleep 0.1
done
echo "[demo] the dossier did not appear within 5 s" >&2
exit 1
