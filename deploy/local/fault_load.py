#!/usr/bin/env python3
"""Load generator and verifier of the fault suite (deploy/local/faults.sh).

`fault_load.py load STATE` drives FAULT_CASES cases through their whole life through the
public HTTP API, FAULT_THREADS at a time, as a department system would: it retries 503s,
timeouts and refused connections, and sends an Idempotency-Key with every POST (the same key
for every retry of one request), so that a retry can never create a second person or approval.
It writes what it expects of every case to STATE (JSON).

`fault_load.py verify STATE` reads every dossier once the system has settled and checks that
each expected event is there exactly once: lost = an expected event missing; duplicated = an
event id twice, or one business effect twice (two PersonRegistered for one case, two
CostApprovalDecided for one approval, ...), or a budget whose commitment differs from the sum
of the granted approvals. It prints `cases N, events N, lost N, duplicated effects N` and the
detail of every problem.

Two kinds of case alternate:
  job  — status VA, job-ready: assessment, plan with AMIPLUS, consent for the job centre (RAV),
         cost approval granted, referral to RAV, then assignment to municipality 4001 and
         relocation to 4021.
  break — status FL: assessment, plan with EMPLOYMENT_PROGRAMME, cost approval granted,
         enrolled, started, interrupted (health).

Needs: IAS_TOKEN_BIN (ias-token), IAS_JWT_SECRET, IAS_PORT_BASE (intake; the others follow).
Only the standard library."""
import collections, datetime, hashlib, http.client, json, os, random, socket, sys, threading, time, uuid

import suite_api

PORTS = suite_api.ports(int(os.environ.get("IAS_PORT_BASE", "8081")))
CASES = int(os.environ.get("FAULT_CASES", "200"))
THREADS = int(os.environ.get("FAULT_THREADS", "8"))
# The cases start evenly spread over this time, so that the faults meet a steady load.
LOAD_SECONDS = float(os.environ.get("FAULT_LOAD_SECONDS", str(max(60, CASES * 1.5))))
THINK = float(os.environ.get("FAULT_THINK_SECONDS", "0.3"))  # a pause between two steps of a case
# How long one logical request (with its retries) or one wait for an event may take: covers
# a broker pause, a database restart and a service restart in a row.
PATIENCE = float(os.environ.get("FAULT_PATIENCE_SECONDS", "240"))
TODAY = datetime.date.today().isoformat()
RETRYABLE = (502, 503, 504)


def token(org, roles="caseworker", sub="fault-load"):
    return suite_api.token(org, roles, sub, ttl=14400)


TOKENS = {}


def tok(org, roles="caseworker"):
    key = (org, roles)
    if key not in TOKENS:
        TOKENS[key] = token(org, roles, "fault-approver" if "approver" in roles else "fault-load")
    return TOKENS[key]


class Stats:
    lock = threading.Lock()
    counts = collections.Counter()

    @classmethod
    def add(cls, name, n=1):
        with cls.lock:
            cls.counts[name] += n


class Failed(Exception):
    pass


def once(service, method, path, body, token_, key, timeout=10, raw=None):
    """raw: (bytes, headers), a document as the body with its description in headers."""
    headers = dict(raw[1]) if raw is not None else {}
    if key:
        headers["Idempotency-Key"] = key
    status, content, response = suite_api.request(PORTS[service], method, path, body=body, token=token_, headers=headers,
                                                  raw=raw[0] if raw is not None else None, timeout=timeout)
    return status, content, response.getheader("Idempotent-Replayed")


def call(service, method, path, body=None, token_=None, expect=(200, 201), key=None, raw=None):
    """One logical request: retried on 502/503/504, timeouts and connection errors, always
    with the same Idempotency-Key for a POST."""
    token_ = token_ or tok("canton:KSD")
    if method == "POST":
        time.sleep(THINK * (0.5 + random.random()))
    if method == "POST" and key is None:
        key = str(uuid.uuid4())
    deadline = time.time() + PATIENCE
    delay = 0.2
    while True:
        try:
            status, text, replayed = once(service, method, path, body, token_, key, raw=raw)
            Stats.add("requests")
            if replayed:
                Stats.add("idempotent replays")
            if status in RETRYABLE:
                Stats.add(f"retried {status}s")
                raise ConnectionError(f"status {status}")
            if expect and status not in expect:
                raise Failed(f"{method} {service}{path}: {status} {text[:300]}")
            if isinstance(text, bytes):
                return status, text
            return status, (json.loads(text) if text else {})
        except (OSError, http.client.HTTPException) as error:
            if not str(error).startswith("status "):
                Stats.add("retried connection errors and timeouts")
            if time.time() > deadline:
                raise Failed(f"{method} {service}{path}: gave up after {PATIENCE:.0f} s ({error})")
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 3)


def eventually(fn, what):
    return suite_api.eventually(fn, what, PATIENCE, pause=1.0, retry_on=(Failed,), failure=Failed)


def born(years, index=0):
    """A date of birth `years` ago, a different day for every case (the duplicate check of
    intake compares names and dates of birth)."""
    return (datetime.date.today() - datetime.timedelta(days=int(365.25 * years) + 40 + index % 300)).isoformat()


GIVEN = ["Amina", "Farid", "Selam", "Yonas", "Nour", "Hassan", "Omar", "Lula", "Tesfaye", "Mariam", "Dawit", "Rahel"]


def register(case, index, status, years):
    body = {"zemisNumber": str(30000000 + index + case["zemisOffset"]), "givenName": GIVEN[index % len(GIVEN)],
            "familyName": f"Fault-{case['run']}-{index}", "dateOfBirth": born(years, index), "sex": random.choice(["female", "male"]),
            "nationality": "ER", "languages": ["ti"], "status": status, "enteredCantonOn": TODAY,
            "statusDecidedOn": TODAY, "accommodation": "cantonal"}
    key = str(uuid.uuid4())
    _, person = call("intake", "POST", "/persons", body, key=key, expect=(201,))
    # A department system that lost the answer sends the same request again: same person.
    if index % 5 == 0:
        _, again = call("intake", "POST", "/persons", body, key=key, expect=(201,))
        if again.get("caseId") != person["caseId"]:
            case["problems"].append(f"a repeated registration with the same Idempotency-Key created case {again.get('caseId')}")
    case["caseId"], case["personId"] = person["caseId"], person["personId"]
    return person


def assess(case, level, school_years, vocational):
    body = {"kind": "short", "heldOn": TODAY, "languageLevels": {k: level for k in ("listening", "speaking", "reading", "writing")},
            "literate": school_years > 0, "schoolYears": school_years, "vocationalYears": vocational,
            "healthRestriction": "none", "childcareDuties": False, "goals": ["work"]}
    key = str(uuid.uuid4())
    def attempt():
        status, result = call("assessment", "POST", f"/cases/{case['caseId']}/assessments", body, key=key, expect=(201, 404))
        return result if status == 201 else None
    result = eventually(attempt, "the assessment service to know the case")
    case["targetGroup"] = result.get("targetGroup")


def plan_measure(case, code, status=None):
    def find():
        _, plan = call("plan", "GET", f"/cases/{case['caseId']}/plan", expect=(200, 404))
        m = next((m for m in plan.get("measures", []) if m.get("catalogCode") == code), None)
        return m if m and (status is None or m.get("status") == status) else None
    return eventually(find, f"{code}{' ' + status if status else ''} in the plan of {case['caseId']}")


def approve(case, measure, amount):
    body = {"caseId": case["caseId"], "measureId": measure["measureId"], "amountRappen": amount,
            "justification": "measure of the integration plan"}
    key = str(uuid.uuid4())
    _, approval = eventually(lambda: (lambda r: r if r[0] == 201 else None)(
        call("costs", "POST", "/cost-approvals", body, key=key, expect=(201, 404, 422))), "costs to know the measure")
    decision = {"decision": "granted", "reason": "fits the plan"}
    call("costs", "POST", f"/cost-approvals/{approval['approvalId']}/decision", decision,
         token_=tok("canton:KSD", "caseworker,approver"), expect=(200,))
    case["approvals"].append({"approvalId": approval["approvalId"], "measureId": measure["measureId"], "grantedRappen": amount})


def consent(case, partner):
    body = {"partner": partner, "givenOn": TODAY, "documentRef": f"DMS-FAULT-{case['index']}"}
    key = str(uuid.uuid4())
    eventually(lambda: call("coordination", "POST", f"/cases/{case['caseId']}/consents", body, key=key,
                            expect=(201, 404))[0] == 201, "coordination to know the case")


def upload(case):
    """A document of 50 KB to 1.5 MB, uploaded with an Idempotency-Key (retried with the same
    key through kills); the acknowledged ones must later download byte for byte."""
    size = random.randrange(50_000, 1_500_000)
    content = b"%PDF-1.7\n" + os.urandom(size) + b"\n%%EOF\n"
    headers = {"Content-Type": "application/pdf", "IAS-Document-Category": "cv", "IAS-Document-Title": f"Fault%20{case['index']}"}
    key = str(uuid.uuid4())
    _, document = eventually(lambda: (lambda r: r if r[0] == 201 else None)(
        call("coordination", "POST", f"/cases/{case['caseId']}/documents", key=key, expect=(201, 404), raw=(content, headers))),
        "coordination to take the document")
    if document["current"]["sha256"] != hashlib.sha256(content).hexdigest():
        case["problems"].append(f"document {document['documentId']}: the acknowledged SHA-256 differs from the upload's")
    case["documents"].append({"documentId": document["documentId"], "sha256": hashlib.sha256(content).hexdigest(),
                              "size": len(content)})
    Stats.add("documents uploaded")


def job_case(case):
    register(case, case["index"], "VA", 30)
    assess(case, "A2", 10, 3)
    measure = plan_measure(case, "AMIPLUS")
    upload(case)
    consent(case, "partner:RAV")
    approve(case, measure, 600_000)
    case["referrals"].append({"partner": "partner:RAV", "measureId": measure["measureId"]})
    # The referral leaves once approval and consent are known to coordination.
    eventually(lambda: any(i.get("partner") == "partner:RAV" for i in
                           call("coordination", "GET", f"/cases/{case['caseId']}/referrals", expect=(200, 404))[1].get("items", [])),
               f"the referral of {case['caseId']}")
    call("intake", "POST", f"/persons/{case['personId']}/responsibility",
         {"toOrg": "municipality:4001", "effectiveOn": TODAY, "reason": "assignment"})
    call("intake", "POST", f"/persons/{case['personId']}/responsibility",
         {"toOrg": "municipality:4021", "effectiveOn": TODAY, "reason": "relocation"}, token_=tok("municipality:4001"))
    case["transfers"] = ["municipality:4001", "municipality:4021"]
    case["org"] = "municipality:4021"


def break_case(case):
    register(case, case["index"], "FL", 33)
    assess(case, "A1", 6, 0)
    measure = plan_measure(case, "EMPLOYMENT_PROGRAMME")
    approve(case, measure, 300_000)
    plan_measure(case, "EMPLOYMENT_PROGRAMME", "approved")
    for status in ("enrolled", "started", "interrupted"):
        body = {"status": status, "on": TODAY}
        if status == "interrupted":
            body["reason"] = "health"
        call("plan", "POST", f"/cases/{case['caseId']}/plan/measures/{measure['measureId']}/status", body)
        case["statusChanges"].append({"measureId": measure["measureId"], "to": status})


def load(state_path):
    run = uuid.uuid4().hex[:8]
    zemis_offset = random.randrange(0, 60_000_000, 10_000)
    cases = [{"index": i, "run": run, "zemisOffset": zemis_offset, "kind": "job" if i % 2 == 0 else "break",
              "org": "canton:KSD", "approvals": [], "referrals": [], "transfers": [], "statusChanges": [], "problems": [],
              "documents": [], "finished": False} for i in range(CASES)]
    queue = list(reversed(cases))
    lock = threading.Lock()
    started = time.time()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                case = queue.pop()
            wait = started + case["index"] * LOAD_SECONDS / CASES - time.time()
            if wait > 0:
                time.sleep(wait)
            try:
                (job_case if case["kind"] == "job" else break_case)(case)
                case["finished"] = True
            except Failed as error:
                case["problems"].append(f"the case life did not finish: {error}")
            except Exception as error:  # a bug of this script must not hide the others' results
                case["problems"].append(f"the load generator failed: {error!r}")
            done = Stats.counts["cases done"] + 1
            Stats.add("cases done")
            if done % 20 == 0 or done == CASES:
                print(f"[fault-load] {done}/{CASES} cases through their life ({time.time() - started:.0f} s)", file=sys.stderr)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(state_path, "w") as f:
        json.dump({"cases": cases, "stats": dict(Stats.counts)}, f)
    unfinished = sum(1 for c in cases if not c["finished"])
    print(f"[fault-load] {CASES} cases in {time.time() - started:.0f} s, {unfinished} unfinished; "
          + ", ".join(f"{k} {v}" for k, v in sorted(Stats.counts.items())), file=sys.stderr)
    return 0


# MARK: verification

def expected_events(case):
    """(type, business key) → how many times the effect must be in the timeline."""
    want = {("intake.PersonRegistered", ""): 1, ("costs.BudgetOpened", ""): 1}
    if case["kind"] != "probe":
        want.update({("assessment.AssessmentCompleted", ""): 1, ("assessment.TargetGroupAssigned", ""): 1,
                     ("plan.PlanDrafted", ""): 1})
    for a in case["approvals"]:
        want[("costs.CostApprovalRequested", a["approvalId"])] = 1
        want[("costs.CostApprovalDecided", a["approvalId"])] = 1
    for r in case["referrals"]:
        want[("coordination.ReferralSent", r["partner"] + " " + r["measureId"])] = 1
    for org in case["transfers"]:
        want[("intake.ResponsibilityTransferred", org)] = 1
    for s in case["statusChanges"]:
        want[("plan.MeasureStatusChanged", s["measureId"] + " " + s["to"])] = 1
    for d in case.get("documents", []):
        want[("coordination.DocumentAdded", d["documentId"])] = 1
    return want


def business_key(entry):
    t, d = entry.get("type"), entry.get("data") or {}
    if t in ("costs.CostApprovalRequested", "costs.CostApprovalDecided"):
        return d.get("approvalId", "")
    if t == "coordination.ReferralSent":
        return f"{d.get('partner')} {d.get('measureId')}"
    if t == "intake.ResponsibilityTransferred":
        return d.get("toOrg", "")
    if t == "plan.MeasureStatusChanged":
        return f"{d.get('measureId')} {d.get('to')}"
    if t == "coordination.DocumentAdded":
        return d.get("documentId", "")
    if t in ("intake.PersonRegistered", "costs.BudgetOpened", "assessment.AssessmentCompleted",
             "assessment.TargetGroupAssigned", "plan.PlanDrafted"):
        return ""
    return None  # not counted as a business effect (partner updates, tasks, ...)


def verify(state_path, probes_path=None):
    with open(state_path) as f:
        state = json.load(f)
    # Registrations the fault suite wrote itself (during a broker pause): person and budget.
    if probes_path and os.path.exists(probes_path):
        for n, line in enumerate(open(probes_path)):
            if line.strip():
                state["cases"].append({"index": f"probe{n}", "kind": "probe", "caseId": line.strip(), "org": "canton:KSD",
                                       "approvals": [], "referrals": [], "transfers": [], "statusChanges": [],
                                       "problems": [], "finished": True})
    cases = [c for c in state["cases"] if c.get("caseId")]
    lost = duplicated = events = documents = 0
    problems = []
    for case in state["cases"]:
        for p in case["problems"]:
            problems.append(f"case #{case['index']} {case.get('caseId', '(not registered)')}: {p}")
    for case in cases:
        cid = case["caseId"]
        org_token = tok(case["org"])
        try:
            _, dossier = call("coordination", "GET", f"/cases/{cid}/dossier", token_=org_token, expect=(200, 404))
        except Failed as error:
            problems.append(f"{cid}: dossier unreadable: {error}")
            lost += sum(expected_events(case).values())
            continue
        timeline = dossier.get("timeline", [])
        events += len(timeline)
        ids = collections.Counter(e.get("eventId") for e in timeline)
        for event_id, n in ids.items():
            if n > 1:
                duplicated += n - 1
                problems.append(f"{cid}: event {event_id} is {n} times in the timeline")
        seen = collections.Counter()
        for e in timeline:
            k = business_key(e)
            if k is not None:
                seen[(e["type"], k)] += 1
        for (t, k), n in expected_events(case).items():
            have = seen.get((t, k), 0)
            if have < n and case["finished"]:
                lost += n - have
                problems.append(f"{cid}: {t} {k} missing from the dossier (kind {case['kind']})")
        for (t, k), have in seen.items():
            if have > 1:
                duplicated += have - 1
                problems.append(f"{cid}: {t} {k} recorded {have} times")
        if case["finished"] and case["approvals"]:
            _, budget = call("costs", "GET", f"/cases/{cid}/budget", token_=org_token, expect=(200, 404))
            granted = sum(a["grantedRappen"] for a in case["approvals"])
            if budget.get("committedRappen") != granted:
                duplicated += 1
                problems.append(f"{cid}: budget committed {budget.get('committedRappen')} != granted {granted}")
        # Every acknowledged document downloads byte for byte.
        for d in case.get("documents", []):
            documents += 1
            try:
                _, content = call("coordination", "GET", f"/cases/{cid}/documents/{d['documentId']}/content", token_=org_token)
            except Failed as error:
                lost += 1
                problems.append(f"{cid}: document {d['documentId']} not downloadable: {error}")
                continue
            if not isinstance(content, bytes) or hashlib.sha256(content).hexdigest() != d["sha256"] or len(content) != d["size"]:
                lost += 1
                problems.append(f"{cid}: document {d['documentId']} downloads differently from its upload")
        # Exactly one person for the case's ZEMIS number at intake is implied by one PersonRegistered.
    unfinished = sum(1 for c in state["cases"] if not c["finished"])
    for p in problems[:200]:
        print(f"[fault-verify] {p}", file=sys.stderr)
    if len(problems) > 200:
        print(f"[fault-verify] ... and {len(problems) - 200} more", file=sys.stderr)
    print(json.dumps({"cases": len(state["cases"]), "events": events, "documents": documents, "lost": lost, "duplicated": duplicated,
                      "unfinished": unfinished, "problems": len(problems)}))
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("load", "verify"):
        sys.exit("usage: fault_load.py load STATE_FILE | verify STATE_FILE [PROBES_FILE]")
    sys.exit(load(sys.argv[2]) if sys.argv[1] == "load" else verify(*sys.argv[2:]))
