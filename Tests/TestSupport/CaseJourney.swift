import Foundation
import IASHTTPClient

/// One case driven through its life, one request per step: (registration) → regularisation
/// (N → VA) → short assessment (triage assigns the target group, plan drafts the plan) → the
/// plan shows its AMIPLUS measure → consent for the job centre → cost approval requested and
/// granted (coordination then sends the referral to RAV) → the integration agreement is signed
/// → the dossier shows the active plan: the case is through.
///
/// A step whose precondition has not yet travelled through the broker (`Step.notYet`) is tried
/// again a little later; these waits are part of the end-to-end latency, as they would be for a
/// case worker. `JourneyRunner` runs journeys on a few threads: the load generator's many, a test's few.
public final class CaseJourney: @unchecked Sendable {
    public enum Stage: Int, CaseIterable, Sendable {
        case register, regularize, assess, awaitMeasure, consent, requestApproval, decide, sign, awaitActivePlan
        /// Not part of a case's life: one read of its dossier (the read benchmark).
        case readDossier
        case done

        /// The whole life after the registration.
        public static let afterRegistration: [Stage] = [.regularize, .assess, .awaitMeasure, .consent, .requestApproval, .decide, .sign,
                                                        .awaitActivePlan]
        public static let wholeLife: [Stage] = [.register] + afterRegistration
    }

    public enum Outcome: Equatable {
        case next(after: Double)
        case done
        case failed(String)
    }

    public let index: Int
    public let person: NewPerson?
    /// When the case should have started (open loop: its scheduled arrival), in run seconds.
    public let startedAt: Double
    private let stages: [Stage]
    private var position = 0
    public var stage: Stage { position < stages.count ? stages[position] : .done }
    public private(set) var personId = ""
    public private(set) var caseId = ""
    public private(set) var measureId = ""
    public private(set) var approvalId = ""
    public var finishedAt: Double?
    private var polls = 0
    /// When the current stage began, and the last answer that made it wait (for the failure report).
    private var stageSince: Double?
    private var lastAnswer = ""
    /// A stage that waits longer than this for the broker to bring what it needs has failed.
    public static let stagePatience = 120.0

    /// - Parameters:
    ///   - stages: the steps to take, in order (a case registered by a list starts after `.register`).
    ///   - registered: the person and case of a registration done elsewhere.
    public init(index: Int, person: NewPerson? = nil, startedAt: Double, stages: [Stage], registered: (personId: String, caseId: String)? = nil) {
        self.index = index; self.person = person; self.startedAt = startedAt; self.stages = stages
        if let registered { personId = registered.personId; caseId = registered.caseId }
    }

    /// Runs the current stage once; `now` is the run's clock in seconds.
    public func step(_ api: CaseAPI, now: Double) -> Outcome {
        if stageSince == nil { stageSince = now }
        if let since = stageSince, now - since > Self.stagePatience {
            return .failed("\(stage) not reached within \(Int(Self.stagePatience)) s (last answer: \(lastAnswer))")
        }
        do {
            switch stage {
            case .register:
                guard let person else { return .failed("no person to register") }
                return try outcome("registration", api.register(person)) { personId = $0.personId; caseId = $0.caseId }
            case .regularize:
                return try outcome("regularisation", api.regularize(personId)) { _ in }
            case .assess:
                return try outcome("assessment", api.assess(caseId, Assessment(level: "A2", schoolYears: 10, vocationalYears: 3))) { _ in }
            case .awaitMeasure:
                return try proceed("plan", api.plan(caseId), when: { plan in
                    guard let id = CaseAPI.measureId("AMIPLUS", in: plan) else { return false }
                    measureId = id
                    return true
                })
            case .consent:
                return try outcome("consent", api.giveConsent(caseId, partner: "partner:RAV", documentRef: "DMS-BENCH-\(index)")) { _ in }
            case .requestApproval:
                return try outcome("cost approval", api.requestApproval(caseId, measureId: measureId, amount: 600_000)) { approvalId = $0 }
            case .decide:
                return try outcome("decision", api.decide(approvalId)) { _ in }
            case .sign:
                return try outcome("agreement", api.signAgreement(caseId)) { _ in }
            case .awaitActivePlan:
                return try proceed("dossier", api.dossier(caseId), when: { (try? $0.json()["plan"]?["status"]?.stringValue) == "active" })
            case .readDossier:
                // A case that went through has its dossier: not finding it is a failure, not a wait.
                switch try api.dossier(caseId, route: "GET /cases/{id}/dossier (read)") {
                case .done: return advance()
                case .notYet(let answer), .refused(let answer): return .failed("dossier answered \(answer.status)")
                }
            case .done:
                return .done
            }
        } catch {
            // A refused or broken connection: the services are overloaded or gone; try again.
            lastAnswer = "\(error)"
            return .next(after: 0.2)
        }
    }

    /// Advances when the step is done and `accept` takes its value (false: the state the step
    /// waits for is not there yet); waits on `notYet`; fails on `refused`.
    private func proceed<T>(_ what: String, _ step: Step<T>, when accept: (T) -> Bool) -> Outcome {
        switch step {
        case .done(let value): return accept(value) ? advance() : wait(lastAnswer: "\(what) not there yet")
        case .notYet(let answer): return wait(lastAnswer: "\(answer.status) \(answer.text.prefix(200))")
        case .refused(let answer): return .failed("\(what) answered \(answer.status)")
        }
    }

    private func outcome<T>(_ what: String, _ step: Step<T>, _ take: (T) -> Void) -> Outcome {
        proceed(what, step, when: { take($0); return true })
    }

    private func advance() -> Outcome {
        position += 1
        polls = 0
        stageSince = nil
        return stage == .done ? .done : .next(after: 0)
    }

    /// The state this step needs has not arrived yet: ask again soon, but give up eventually.
    private func wait(lastAnswer answer: String) -> Outcome {
        polls += 1
        lastAnswer = answer
        // Every poll is an audited read (as it would be for a department system), so polling
        // is part of the load: 20 ms, growing by half each time to one second.
        return .next(after: min(0.02 * pow(1.5, Double(polls - 1)), 1.0))
    }
}
