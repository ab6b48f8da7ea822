import Foundation

/// One case driven through its life by the load generator, one HTTP request per step:
/// (registration) → regularisation (N → VA) → short assessment (triage assigns the target group,
/// plan drafts the plan) → the plan shows its AMIPLUS measure → consent for the job centre →
/// cost approval requested and granted (coordination then sends the referral to RAV) → the
/// integration agreement is signed → the dossier shows the active plan: the case is through.
///
/// A step whose precondition has not yet travelled through the broker (a 404 of a service
/// that has not seen the case, or a plan without its measure) is tried again a little later;
/// these waits are part of the end-to-end latency, as they would be for a case worker.
final class CaseJourney: @unchecked Sendable {
    enum Stage: Int, CaseIterable {
        case register, regularize, assess, awaitMeasure, consent, requestApproval, decide, sign, awaitActivePlan
        /// Not part of a case's life: one read of its dossier (the read benchmark).
        case readDossier
        case done

        /// The whole life after the registration.
        static let afterRegistration: [Stage] = [.regularize, .assess, .awaitMeasure, .consent, .requestApproval, .decide, .sign,
                                                 .awaitActivePlan]
        static let wholeLife: [Stage] = [.register] + afterRegistration
    }

    enum Outcome {
        case next(after: Double)
        case done
        case failed(String)
    }

    let index: Int
    let person: [String: Any]
    /// When the case should have started (open loop: its scheduled arrival), in run seconds.
    let startedAt: Double
    private let stages: [Stage]
    private var position = 0
    var stage: Stage { position < stages.count ? stages[position] : .done }
    var personId = ""
    var caseId = ""
    var measureId = ""
    var approvalId = ""
    var finishedAt: Double?
    var polls = 0
    /// When the current stage began, and the last answer that made it wait (for the failure report).
    private var stageSince: Double?
    private var lastAnswer = ""
    /// A stage that waits longer than this for the broker to bring what it needs has failed.
    static let stagePatience = 120.0

    /// - Parameters:
    ///   - stages: the steps to take, in order (a case registered by a list starts after `.register`).
    ///   - registered: the person and case of a registration done elsewhere.
    init(index: Int, person: [String: Any] = [:], startedAt: Double, stages: [Stage],
         registered: (personId: String, caseId: String)? = nil) {
        self.index = index; self.person = person; self.startedAt = startedAt; self.stages = stages
        if let registered { personId = registered.personId; caseId = registered.caseId }
    }

    /// Runs the current stage once.
    func step(_ api: BenchAPI) -> Outcome {
        if stageSince == nil { stageSince = api.now }
        if let since = stageSince, api.now - since > Self.stagePatience {
            return .failed("\(stage) not reached within \(Int(Self.stagePatience)) s (last answer: \(lastAnswer))")
        }
        do {
            switch stage {
            case .register:
                let r = try api.post(.intake, "/persons", endpoint: "POST /persons", person)
                guard r.status == 201, let json = r.json(), let p = json["personId"] as? String, let c = json["caseId"] as? String else {
                    return .failed("registration answered \(r.status)")
                }
                personId = p; caseId = c
                return advance()
            case .regularize:
                let r = try api.post(.intake, "/persons/\(personId)/regularization", endpoint: "POST /persons/{id}/regularization",
                                     ["status": "VA", "decidedOn": api.today])
                return r.status == 200 || r.status == 201 ? advance() : .failed("regularisation answered \(r.status)")
            case .assess:
                let r = try api.post(.assessment, "/cases/\(caseId)/assessments", endpoint: "POST /cases/{id}/assessments",
                                     Self.assessment(today: api.today))
                if r.status == 404 { return wait(r) }
                return r.status == 201 ? advance() : .failed("assessment answered \(r.status)")
            case .awaitMeasure:
                let r = try api.get(.plan, "/cases/\(caseId)/plan", endpoint: "GET /cases/{id}/plan")
                if r.status == 404 { return wait(r) }
                guard r.status == 200 else { return .failed("plan answered \(r.status)") }
                let measures = r.json()?["measures"] as? [[String: Any]] ?? []
                guard let m = measures.first(where: { $0["catalogCode"] as? String == "AMIPLUS" }), let id = m["measureId"] as? String else {
                    return wait(r)
                }
                measureId = id
                return advance()
            case .consent:
                let r = try api.post(.coordination, "/cases/\(caseId)/consents", endpoint: "POST /cases/{id}/consents",
                                     ["partner": "partner:RAV", "givenOn": api.today, "documentRef": "DMS-BENCH-\(index)"])
                if r.status == 404 { return wait(r) }
                return r.status == 201 ? advance() : .failed("consent answered \(r.status)")
            case .requestApproval:
                let r = try api.post(.costs, "/cost-approvals", endpoint: "POST /cost-approvals",
                                     ["caseId": caseId, "measureId": measureId, "amountRappen": 600_000,
                                      "justification": "measure of the integration plan"])
                if r.status == 404 || r.status == 422 { return wait(r) }   // costs has not seen the measure or budget yet
                guard r.status == 201, let id = r.json()?["approvalId"] as? String else { return .failed("cost approval answered \(r.status)") }
                approvalId = id
                return advance()
            case .decide:
                let r = try api.post(.costs, "/cost-approvals/\(approvalId)/decision", endpoint: "POST /cost-approvals/{id}/decision",
                                     ["decision": "granted", "reason": "fits the plan"], approver: true)
                return r.status == 200 ? advance() : .failed("decision answered \(r.status)")
            case .sign:
                let r = try api.post(.plan, "/cases/\(caseId)/plan/agreement", endpoint: "POST /cases/{id}/plan/agreement",
                                     ["signedOn": api.today, "goals": ["Work in the first labour market"], "reviewEveryMonths": 6])
                return r.status == 200 || r.status == 201 ? advance() : .failed("agreement answered \(r.status)")
            case .awaitActivePlan:
                let r = try api.get(.coordination, "/cases/\(caseId)/dossier", endpoint: "GET /cases/{id}/dossier")
                guard r.status == 200 else { return r.status == 404 ? wait(r) : .failed("dossier answered \(r.status)") }
                let plan = r.json()?["plan"] as? [String: Any]
                guard plan?["status"] as? String == "active" else { return wait(r) }
                return advance()
            case .readDossier:
                let r = try api.get(.coordination, "/cases/\(caseId)/dossier", endpoint: "GET /cases/{id}/dossier (read)")
                return r.status == 200 ? advance() : .failed("dossier answered \(r.status)")
            case .done:
                return .done
            }
        } catch {
            // A refused or broken connection: the services are overloaded or gone; try again.
            lastAnswer = "\(error)"
            return .next(after: 0.2)
        }
    }

    private func advance() -> Outcome {
        position += 1
        polls = 0
        stageSince = nil
        return stage == .done ? .done : .next(after: 0)
    }

    /// The state this step needs has not arrived yet: ask again soon, but give up eventually.
    private func wait(_ answer: HTTPConnection.Response) -> Outcome {
        polls += 1
        lastAnswer = "\(answer.status) \(String(decoding: answer.body.prefix(200), as: UTF8.self))"
        // Every poll is an audited read (as it would be for a department system), so polling
        // is part of the load: 20 ms, growing by half each time to one second.
        return .next(after: min(0.02 * pow(1.5, Double(polls - 1)), 1.0))
    }

    static func assessment(today: String) -> [String: Any] {
        ["kind": "short", "heldOn": today,
         "languageLevels": ["listening": "A2", "speaking": "A2", "reading": "A2", "writing": "A2"],
         "literate": true, "schoolYears": 10, "vocationalYears": 3, "healthRestriction": "none", "childcareDuties": false,
         "goals": ["work"]]
    }
}
