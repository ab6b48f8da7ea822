import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// One case with a record behind every route: registered by the canton in a household,
/// assessed as labour-market-ready (so its plan holds AMIplus, delivered by RAV), a consent for
/// RAV, a granted cost approval for AMIplus and the referral it sent, a document, then assigned to
/// municipality 4001, which gets a handover task and the canton's final report.
struct CaseWorld {
    let personId: String
    let caseId: String
    let householdId: String
    let familyName: String
    let measureId: String
    let approvalId: String
    let consentId: String
    let taskId: String
    let reportId: String
    let documentId: String
    let stack: TestStack

    static let canton = TestEnvironment.token(org: "canton:KSD", subject: "world-builder")
    static let approver = TestEnvironment.token(org: "canton:KSD", roles: ["approver"], subject: "world-approver")
    static let responsible = TestEnvironment.token(org: "municipality:4001", subject: "world-4001")

    static var assessment: Assessment { Assessment(level: "A2", schoolYears: 10, vocationalYears: 3) }

    static func build(stack: TestStack) throws -> CaseWorld {
        let worker = CaseWorker(stack: stack, caseworker: canton, approver: approver, patience: 20)
        /// Retries until `service` answers `path` with 200 (it learns of the case from events).
        func read(_ service: String, _ path: String, token: String = canton) throws -> [String: Any] {
            let answer = try eventually(within: 20) { () -> HTTPClientResponse? in
                let r = try stack.client(service).json("GET", path, token: token)
                return r.status == 200 ? r : nil
            }
            guard let answer else {
                let last = try stack.client(service).json("GET", path, token: token)
                throw TestFailure("GET \(service)\(path) never answered 200: \(last.status) \(last.text.prefix(300))")
            }
            return try answer.object()
        }

        let familyName = "Matrix-\(UUID().uuidString.prefix(8))"
        let householdId = UUID().uuidString.lowercased()
        var person = NewPerson.sample(givenName: "Farid", familyName: familyName, status: "VA").enteredToday()
        person.dateOfBirth = "1990-05-14"
        person.householdId = householdId
        let registered = try worker.register(person)
        let (personId, caseId) = (registered.personId, registered.caseId)

        _ = try worker.assess(caseId, assessment)
        let measureId = try CaseWorker.measureId("AMIPLUS", in: try worker.plan(of: caseId, containing: ["AMIPLUS"]))
        let consentId = try worker.giveConsent(caseId, partner: "partner:RAV", documentRef: "DMS-matrix")
        let approvalId = try worker.requestApproval(caseId, measureId: measureId, amount: 600_000, justification: "AMIplus")
        try worker.decide(approvalId, "granted", reason: "meets the plan")
        _ = try eventually(within: 20) { () -> Bool? in
            let r = try stack.client("coordination").json("GET", "/cases/\(caseId)/referrals", token: canton)
            return r.status == 200 && r.text.contains("\"sent\"") ? true : nil
        }

        let documentId = try worker.addDocument(caseId, SampleDocuments.pdf(), category: "cv", title: "Lebenslauf Matrix")

        try worker.transfer(personId, to: "municipality:4001", reason: "assignment", on: PersonFactory.today)
        // Every service has learnt of the handover, the task is open and the final report written.
        for (service, path) in [("intake", "/persons/\(personId)"), ("assessment", "/cases/\(caseId)/assessments"),
                                ("plan", "/cases/\(caseId)/plan"), ("costs", "/cases/\(caseId)/budget"),
                                ("coordination", "/cases/\(caseId)/dossier")] {
            _ = try read(service, path, token: responsible)
        }
        let tasks = try read("coordination", "/tasks?org=municipality:4001&kind=handover&status=open&limit=200", token: responsible)
        let taskId = try XCTUnwrap((tasks["items"] as? [[String: Any]] ?? []).first { ($0["caseId"] as? String) == caseId }?["taskId"] as? String,
                                   "no handover task for municipality 4001")
        let reports = try eventually(within: 20) { () -> [[String: Any]]? in
            let r = try stack.client("plan").json("GET", "/cases/\(caseId)/plan/final-reports", token: canton)
            let items = r.status == 200 ? (try r.object()["items"] as? [[String: Any]] ?? []) : []
            return items.isEmpty ? nil : items
        }
        let reportId = try XCTUnwrap(try XCTUnwrap(reports, "no final report after the handover").first?["reportId"] as? String)

        return CaseWorld(personId: personId, caseId: caseId, householdId: householdId, familyName: familyName, measureId: measureId,
                         approvalId: approvalId, consentId: consentId, taskId: taskId, reportId: reportId, documentId: documentId,
                         stack: stack)
    }

    /// A path or query with `{name}` replaced by this case's ids.
    func fill(_ template: String) -> String {
        var text = template
        for (name, value) in [("personId", personId), ("caseId", caseId), ("householdId", householdId), ("familyName", familyName),
                              ("measureId", measureId), ("approvalId", approvalId), ("consentId", consentId), ("taskId", taskId),
                              ("reportId", reportId), ("documentId", documentId)] {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// Whether an answer names this case or its person.
    func isNamed(in text: String) -> Bool { text.contains(caseId) || text.contains(personId) }

    /// What the case looks like in every service, as the canton reads it, once it has settled.
    func snapshot() throws -> [String] {
        func read() throws -> [String] {
            try [("intake", "/persons/\(personId)"), ("assessment", "/cases/\(caseId)/assessments"),
                 ("assessment", "/cases/\(caseId)/status-meetings"), ("plan", "/cases/\(caseId)/plan"),
                 ("costs", "/cases/\(caseId)/budget"), ("coordination", "/cases/\(caseId)/dossier"),
                 ("coordination", "/cases/\(caseId)/consents")].map { service, path in
                let r = try stack.client(service).json("GET", path, token: Self.canton)
                return "\(r.status) \(r.text)"
            }
        }
        var previous = try read()
        for _ in 0..<20 {
            Thread.sleep(forTimeInterval: 0.5)
            let current = try read()
            if current == previous { return current }
            previous = current
        }
        return previous
    }
}
