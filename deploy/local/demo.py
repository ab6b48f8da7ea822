#!/usr/bin/env python3
"""Loads a small demo cohort through the public API, as department systems would, so that a
newcomer sees real dossiers: a family with a pre-school child and a 17-year-old, a job-ready
adult referred to AMIplus, an asylum seeker regularised later, a relocation between two
municipalities, an interrupted measure with a new cost approval, and a refused overdraft.

Needs: IAS_TOKEN_BIN (ias-token), IAS_JWT_SECRET, IAS_PORT_BASE (intake; the others follow)."""
import datetime, os, sys, uuid

import suite_api
from suite_api import APIError

PORTS = suite_api.ports(int(os.environ.get("IAS_PORT_BASE", "8081")))
TODAY = datetime.date.today()


def token(org, roles="caseworker", sub="demo-loader"):
    return suite_api.token(org, roles, sub)


CANTON = token("canton:KSD")
APPROVER = token("canton:KSD", "caseworker,approver", "demo-approver")


def call(service, method, path, body=None, tok=None, expect=(200, 201)):
    return suite_api.call(PORTS[service], method, path, body, tok or CANTON, expect, what=service)


def eventually(fn, what, seconds=20):
    return suite_api.eventually(fn, what, seconds, failure=APIError)


def born(years):
    return (TODAY - datetime.timedelta(days=int(365.25 * years) + 40)).isoformat()


ZEMIS = iter(range(20261001, 20269999))


def register(given, family, years, status, household=None, org=None):
    body = {"zemisNumber": str(next(ZEMIS)), "givenName": given, "familyName": family, "dateOfBirth": born(years),
            "sex": "female" if given in ("Selam", "Lula", "Nour", "Amina") else "male", "nationality": "ER",
            "languages": ["ti"], "status": status, "enteredCantonOn": TODAY.isoformat(),
            "accommodation": "municipal" if org else "cantonal"}
    if status != "N":
        body["statusDecidedOn"] = TODAY.isoformat()
    if household:
        body["householdId"] = household
    if org:
        body["responsibleOrg"] = org
    _, person = call("intake", "POST", "/persons", body, expect=(201, 409))
    if "caseId" not in person:  # already loaded by an earlier run
        existing = person.get("existingPersonId")
        _, person = call("intake", "GET", f"/persons/{existing}")
    return person


def assess(person, level, school_years, vocational=0):
    body = {"kind": "short", "heldOn": TODAY.isoformat(),
            "languageLevels": {k: level for k in ("listening", "speaking", "reading", "writing")},
            "literate": school_years > 0, "schoolYears": school_years, "vocationalYears": vocational,
            "healthRestriction": "none", "childcareDuties": False, "goals": ["work"]}
    return eventually(lambda: call("assessment", "POST", f"/cases/{person['caseId']}/assessments", body)[1],
                      "the assessment service to know the case")


def plan_measure(person, code):
    def find():
        _, plan = call("plan", "GET", f"/cases/{person['caseId']}/plan", expect=(200, 404))
        return next((m for m in plan.get("measures", []) if m.get("catalogCode") == code), None)
    return eventually(find, f"{code} in the plan")


def approve(person, measure, amount, decision="granted", funding=None):
    body = {"caseId": person["caseId"], "measureId": measure["measureId"], "amountRappen": amount,
            "justification": "measure of the integration plan"}
    status, approval = eventually(lambda: call("costs", "POST", "/cost-approvals", body, expect=(201, 409)),
                                  "costs to know the measure")
    if status == 409:  # requested by an earlier run of the demo
        return status, approval
    decision_body = {"decision": decision, "reason": "fits the plan"}
    if funding:
        decision_body["fundingSource"] = funding
    return call("costs", "POST", f"/cost-approvals/{approval['approvalId']}/decision", decision_body, tok=APPROVER,
                expect=(200, 422))


def consent(person, partner, ref):
    body = {"partner": partner, "givenOn": TODAY.isoformat(), "documentRef": ref}
    eventually(lambda: call("coordination", "POST", f"/cases/{person['caseId']}/consents", body, expect=(201, 409)),
               "coordination to know the case")


def main():
    household = str(uuid.uuid5(uuid.NAMESPACE_URL, "ias-demo-family"))
    family = [register(n, "Demo-Haile", y, "FL", household) for n, y in
              (("Tesfaye", 38), ("Selam", 35), ("Lula", 3), ("Yonas", 17))]
    assess(family[2], "none", 0)
    assess(family[3], "A1", 8)
    for code in ("IKG1", "BAI"):
        approve(family[3], plan_measure(family[3], code), 400_000)
    consent(family[3], "canton:BKS", "DMS-DEMO-1")

    farid = register("Farid", "Demo-Rahimi", 30, "VA")
    assess(farid, "A2", 10, 3)
    consent(farid, "partner:RAV", "DMS-DEMO-2")
    approve(farid, plan_measure(farid, "AMIPLUS"), 600_000)

    nour = register("Nour", "Demo-Khalil", 26, "N")
    assess(nour, "none", 12, 2)
    plan_measure(nour, "GER_A1")
    call("intake", "POST", f"/persons/{nour['personId']}/regularization", {"status": "VA", "decidedOn": TODAY.isoformat()},
         expect=(200, 409))

    amina = register("Amina", "Demo-Moved", 29, "FL")
    assess(amina, "A1", 9)
    plan_measure(amina, "AMIPLUS")
    call("intake", "POST", f"/persons/{amina['personId']}/responsibility",
         {"toOrg": "municipality:4001", "effectiveOn": TODAY.isoformat(), "reason": "assignment"},
         expect=(200, 409, 422))  # 422: moved on to 4021 by an earlier run of the demo
    call("intake", "POST", f"/persons/{amina['personId']}/responsibility",
         {"toOrg": "municipality:4021", "effectiveOn": TODAY.isoformat(), "reason": "relocation"},
         tok=token("municipality:4001"), expect=(200, 403, 409))

    hassan = register("Hassan", "Demo-Break", 33, "VA")
    assess(hassan, "A1", 6)
    programme = plan_measure(hassan, "EMPLOYMENT_PROGRAMME")
    approve(hassan, programme, 300_000)
    # Approved now, or further on when an earlier run of the demo moved it already.
    eventually(lambda: plan_measure(hassan, "EMPLOYMENT_PROGRAMME").get("status") in ("approved", "enrolled", "started", "interrupted"),
               "the approval to reach the plan")
    for status in ("enrolled", "started", "interrupted"):
        body = {"status": status, "on": TODAY.isoformat()}
        if status == "interrupted":
            body["reason"] = "health"
        call("plan", "POST", f"/cases/{hassan['caseId']}/plan/measures/{programme['measureId']}/status", body, expect=(200, 409))

    omar = register("Omar", "Demo-Budget", 41, "FL")
    assess(omar, "A1", 6)
    status, _ = approve(omar, plan_measure(omar, "AMIPLUS"), 1_900_000)
    print(f"[demo] overdraft attempt answered {status} (refused)", file=sys.stderr)

    print(f"[demo] loaded 10 persons; for example the dossier of the 17-year-old:\n"
          f"       http://127.0.0.1:{PORTS['coordination']}/cases/{family[3]['caseId']}/dossier", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:
        print(f"[demo] {error}", file=sys.stderr)
        sys.exit(1)
