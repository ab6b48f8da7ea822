import Foundation
import IASContracts
import IASRuntime
import XCTest
@testable import CoordinationService
@testable import IASPostgres

/// The dossier's body must be byte for byte what Foundation's encoder wrote for the same
/// dossier, configured as the suite's JSON was (the body clients got before the suite wrote
/// its own): every member, its name, its order, nil members left out.
final class DossierJSONTests: XCTestCase {
    private let caseId = Identifier()
    private let reference = JSONEncoder()

    override func setUp() {
        reference.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        reference.dateEncodingStrategy = .custom { date, encoder in var c = encoder.singleValueContainer(); try c.encode(Timestamp.format(date)) }
    }

    private func row(_ values: [String: String?]) -> PostgresRow {
        let names = Array(values.keys)
        return PostgresRow(columns: Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) }),
                           values: names.map { values[$0]! })
    }

    private func consent(withdrawn: Bool) throws -> ConsentRecord {
        try ConsentRecord(row: row([
            "consent_id": Identifier().description, "case_id": caseId.description, "partner": "partner:RAV",
            "given_on": "2026-11-01", "expires_on": withdrawn ? "2027-11-01" : nil, "document_ref": "DMS-1",
            "recorded_at": "2026-11-01 10:00:00.123456+00", "recorded_by_org": "canton:KSD",
            "withdrawn_at": withdrawn ? "2026-11-20 08:30:00.5+00" : nil, "withdrawn_by_org": withdrawn ? "canton:KSD" : nil,
        ]), today: CalendarDate("2026-11-22")!)
    }

    private func referral(complete: Bool) throws -> ReferralRecord {
        func maybe(_ text: String) -> String? { complete ? text : nil }
        return try ReferralRecord(row: row([
            "referral_id": Identifier().description, "case_id": caseId.description, "measure_id": Identifier().description,
            "partner": "partner:RAV", "catalog_code": "AMIPLUS", "status": complete ? "ended" : "awaiting_consent",
            "consent_id": maybe(Identifier().description), "legal_basis_override": complete ? "t" : "f",
            "override_reason": maybe("urgent \"placement\""), "created_at": "2026-11-02 09:00:00+00",
            "sent_at": maybe("2026-11-02 09:00:01.999+00"), "sent_by_org": maybe("canton:KSD"), "accepted_on": maybe("2026-11-03"),
            "enrolled_on": maybe("2026-11-04"), "starts_on": maybe("2026-12-01"), "ended_on": maybe("2027-06-30"),
            "outcome": maybe("completed"),
        ]))
    }

    private func task(complete: Bool) -> TaskRecord {
        TaskRecord(taskId: Identifier(), caseId: caseId, kind: TaskKind.allCases.first!, assigneeOrg: "municipality:351",
                   subjectRef: "measure/1", status: complete ? "completed" : "open",
                   dueOn: complete ? CalendarDate("2026-12-01") : nil, openedAt: Date(timeIntervalSince1970: 1_795_000_000.123456),
                   completedAt: complete ? Date(timeIntervalSince1970: 1_795_100_000.5) : nil, outcome: complete ? "done" : nil,
                   notes: complete ? "called\nback" : nil, completedByOrg: complete ? "municipality:351" : nil)
    }

    /// Every optional member present (full) or absent (not full), every list non-empty or empty.
    private func dossier(full: Bool, events: Int = 2) throws -> Dossier {
        let d = { (text: String) in CalendarDate(text)! }
        let levels = LanguageLevels(listening: .A2, speaking: .A1, reading: .none, writing: .B1)
        let measure = DossierSections.Measure(
            measureId: Identifier(), catalogCode: "GER_A1", fieldOfAction: "language", fundingSource: "lump_sum",
            partner: full ? "partner:RAV" : nil, provider: full ? "ECAP" : nil, startsOn: d("2026-11-22"),
            endsOn: full ? d("2027-04-10") : nil, estimatedCostRappen: 200_000, status: "planned", statusOn: full ? d("2026-11-23") : nil)
        let approval = DossierSections.Approval(
            approvalId: Identifier(), measureId: measure.measureId, requestedRappen: full ? 600_000 : nil, decision: full ? "granted" : nil,
            grantedRappen: 600_000, fundingSource: full ? "lump_sum" : nil, decidedOn: full ? d("2026-11-22") : nil, chargedRappen: 0)
        let decision = DossierSections.TargetGroupDecision(
            targetGroup: "labour_market_ready", pathway: "labour_market", decidedOn: d("2026-11-22"), ageAtDecision: 27,
            assessmentId: full ? Identifier() : nil, decidedBy: full ? "override" : "rule", ruleSetVersion: full ? "2026.1" : nil,
            ruleId: full ? "adult-ready" : nil, overrideReason: full ? "caseworker's judgement" : nil, potentialAssessmentDue: full)
        // As a read loads them: the stored text of each event's data, parsed.
        let stored = [
            ("intake.PersonRegistered", #"{"sex": "female", "status": "VA", "languages": ["ti", "ar"], "personId": "x", "dateOfBirth": "1999-08-11"}"#),
            ("plan.PlanReviewed", #"{"notes": "Genève \"ok\"\n", "rate": 0.5, "ok": true, "nested": {"b": [], "a": {}}}"#),
        ]
        let timeline = try (0..<events).map { i in
            Dossier.TimelineEntry(eventId: Identifier(), type: stored[i % 2].0, source: "/ias/plan",
                                  time: Date(timeIntervalSince1970: 1_795_000_000.123 + Double(i) * 1.8773), actorOrg: "municipality:351",
                                  data: try JSONParser.parse(stored[i % 2].1))
        }
        return Dossier(
            caseId: caseId,
            person: full ? Dossier.Person(
                personId: Identifier(), zemisNumber: "123000104", givenName: "Tesfaye", familyName: "Haile", dateOfBirth: d("1999-08-11"),
                sex: "female", nationality: "ER", languages: ["ti", "ar"], status: "VA", enteredCantonOn: d("2026-09-01"),
                statusDecidedOn: d("2026-10-01"), householdId: Identifier(), accommodation: "cantonal", version: 2) : nil,
            status: full ? "VA" : nil,
            regularisation: full ? .init(previousStatus: "N", status: "VA", decidedOn: d("2026-10-01")) : nil,
            responsibleOrg: full ? "municipality:351" : nil,
            responsibilityHistory: full ? [.init(org: "canton:KSD", since: d("2026-09-01"), reason: "registration", fromOrg: nil),
                                           .init(org: "municipality:351", since: d("2026-10-01"), reason: "assignment", fromOrg: "canton:KSD")] : [],
            assessments: full ? [.init(assessmentId: Identifier(), kind: "short", heldOn: d("2026-11-22"), languageLevels: levels, literate: true,
                                       schoolYears: 10, vocationalYears: 3, healthRestriction: "none", childcareDuties: false)] : [],
            targetGroup: full ? decision : nil, targetGroupHistory: full ? [decision] : [],
            plan: full ? .init(planId: Identifier(), targetGroup: "labour_market_ready", pathway: "labour_market", status: "active",
                               agreement: .init(signedOn: d("2026-11-22"), goalCount: 2, reviewEveryMonths: 6), nextReviewDue: d("2027-05-22"),
                               lastReviewOn: d("2026-12-01"), lastReviewOutcome: "on_track", measures: [measure]) : nil,
            budget: full ? .init(lumpSumRappen: 1_800_000, openedOn: d("2026-11-22"), committedRappen: 600_000, spentRappen: 0,
                                 remainingRappen: 1_200_000, thresholdReachedPercent: 80, approvals: [approval]) : nil,
            openTasks: full ? [task(complete: true), task(complete: false)] : [],
            consents: full ? [try consent(withdrawn: true), try consent(withdrawn: false)] : [],
            documents: full ? [document(linked: true), document(linked: false)] : [],
            referrals: full ? [try referral(complete: true), try referral(complete: false)] : [],
            finalReports: full ? [.init(reportId: Identifier(), planId: Identifier(), issuedOn: d("2027-01-01"), fromOrg: "municipality:351",
                                        toOrg: "municipality:371")] : [],
            deviations: full ? [.init(kind: "measure_dropped", measureId: Identifier(), flaggedOn: d("2026-12-02")),
                                .init(kind: "review_overdue", measureId: nil, flaggedOn: d("2026-12-03"))] : [],
            closure: full ? .init(reason: "integrated", closedOn: d("2028-01-01"), outcome: "employed") : nil,
            timeline: full ? timeline : [])
    }

    /// A document with every optional member set (`linked`) or none.
    private func document(linked: Bool) -> DocumentRecord {
        let version = DocumentVersion(version: 2, contentType: "application/pdf", fileName: linked ? "zeugnis.pdf" : nil, sizeBytes: 1234,
                                      sha256: String(repeating: "ab", count: 32), addedAt: Date(), addedByOrg: "canton:KSD",
                                      contentErasedAt: nil, chunkSize: 524_288, chunkCount: 1)
        return DocumentRecord(documentId: Identifier(), caseId: Identifier(), category: linked ? .certificate : .cv,
                              certificateKind: linked ? .language : nil, title: "Zeugnis", issuedOn: linked ? CalendarDate("2026-06-30") : nil,
                              link: linked ? DocumentLink(kind: .measure, id: Identifier()) : nil, status: "current", current: version,
                              addedAt: Date(), addedByOrg: "canton:KSD", withdrawnAt: nil, withdrawnByOrg: nil, withdrawalReason: nil,
                              versions: nil)
    }

    func testTheWrittenDossierIsTheEncodedDossierByteForByte() throws {
        for full in [true, false] {
            let dossier = try dossier(full: full)
            let expected = String(decoding: try reference.encode(dossier), as: UTF8.self)
            XCTAssertEqual(String(decoding: try dossier.json(), as: UTF8.self), expected, full ? "full" : "empty")
        }
    }

    func testAFullDossierShowsEverySection() throws {
        let body = try JSONParser.parse(try dossier(full: true).json())
        guard case .object(let members) = body else { return XCTFail("not an object") }
        XCTAssertEqual(members.count, 19)
        XCTAssertEqual(body["timeline"].flatMap { if case .array(let a) = $0 { a.count } else { nil } }, 2)
        XCTAssertNotNil(body["person"]?["householdId"])
    }

    /// A large case: the same bytes as the reference, and the time a read spends from the
    /// stored texts of 400 events to the body (printed; measured in a release build with
    /// IAS_DOSSIER_ROUNDS=200).
    func testALargeDossierIsTheEncodedDossierByteForByte() throws {
        let large = try dossier(full: true, events: 400)
        XCTAssertEqual(try large.json(), Array(try reference.encode(large)))
        let rounds = Int(ProcessInfo.processInfo.environment["IAS_DOSSIER_ROUNDS"] ?? "") ?? 2
        let started = Date()
        var size = 0
        for _ in 0..<rounds { size = try dossier(full: true, events: 400).json().count }
        let each = Date().timeIntervalSince(started) * 1000 / Double(rounds)
        print("dossier of 400 events, \(size) bytes: \(String(format: "%.3f", each)) ms from the stored texts to the body")
    }
}
