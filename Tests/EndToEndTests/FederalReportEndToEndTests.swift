import Foundation
import IASContracts
import IASHTTPClient
import IASMessaging
import IASRuntime
import TestSupport
import XCTest

/// The federal report of a cohort seeded here through the services' events, against figures
/// worked out by hand from what was seeded: indicators, lump sum, SEM counts and the cells
/// withheld for being about fewer than five persons.
final class FederalReportEndToEndTests: StackTestCase {
    nonisolated(unsafe) static var events: EventPublisher!
    let canton = TestEnvironment.token(org: "canton:KSD")

    // Intake only warms the pipeline up (a registration travels to coordination); the rest is published here.
    override class func startStack() -> TestStack { .running(["intake", "coordination"]) }

    override class func setUp() {
        super.setUp()
        do { events = try EventPublisher(clientId: "e2e-federal-report") } catch { stack.stop(); fatalError("no producer: \(error)") }
    }

    override class func tearDown() {
        events?.close()
        super.tearDown()
    }

    func testTheReportOfASeededYearMatchesTheFiguresWorkedOutByHandWithSmallCellsWithheld() throws {
        // Years nobody else seeds (other tests use 1950 on): the report year, its oldest cohort 7 years
        // before, born 30 years before that (a date is from 1900 on).
        let year = Int.random(in: 1940...1949), cohort = year - 7
        func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDate { CalendarDate(year: y, month: m, day: d)! }
        let people = (0..<10).map { _ in Identifier() }
        for caseId in people {
            try publish(PersonRegistered.sample(caseId: caseId, givenName: "Federal", familyName: "Cohort", dateOfBirth: day(cohort - 30, 4, 1),
                                                status: .VA, enteredCantonOn: day(cohort, 3, 1), statusDecidedOn: day(cohort, 2, 1)))
        }
        @discardableResult
        func measure(_ caseId: Identifier, _ code: String, _ field: String, _ changes: [(MeasureStatus, CalendarDate)],
                     funding: FundingSource = .lumpSum) throws -> Identifier {
            let measureId = Identifier()
            try publish(MeasurePlanned(caseId: caseId, planId: Identifier(), measureId: measureId, catalogCode: code, fieldOfAction: field,
                                       fundingSource: funding, startsOn: changes.first?.1 ?? day(year, 1, 1), estimatedCostRappen: 100_000))
            var from = MeasureStatus.enrolled
            for (to, on) in changes {
                try publish(MeasureStatusChanged(caseId: caseId, planId: Identifier(), measureId: measureId, catalogCode: code, from: from, to: to, on: on))
                from = to
            }
            return measureId
        }
        func approval(_ caseId: Identifier, _ measureId: Identifier, granted: Int, charged: Int, funding: FundingSource = .lumpSum,
                      decidedOn: CalendarDate? = nil) throws {
            let approvalId = Identifier()
            try publish(CostApprovalDecided(caseId: caseId, approvalId: approvalId, measureId: measureId, decision: .granted, grantedRappen: granted,
                                            fundingSource: funding, decidedOn: decidedOn ?? day(year, 2, 15)))
            if charged > 0 {
                try publish(ChargeBooked(caseId: caseId, approvalId: approvalId, measureId: measureId, amountRappen: charged, bookedOn: day(year, 6, 1)))
            }
        }

        // Indicator 1: 5 of 10 completed a German A1 course within 3 years (long before the report year).
        for caseId in people[0...4] { try measure(caseId, "GER_A1", "language", [(.started, day(cohort, 9, 1)), (.completed, day(cohort + 1, 6, 1))]) }
        // Indicator 5: 2 of 10 completed mentoring: a small numerator, withheld.
        for caseId in people[5...6] { try measure(caseId, "MENTORING", "social_integration", [(.started, day(cohort + 2, 1, 5)), (.completed, day(cohort + 3, 1, 5))]) }
        // First information: the first short assessment of 6 persons was held in the report year.
        for caseId in people[0...5] {
            try publish(AssessmentCompleted(caseId: caseId, assessmentId: Identifier(), kind: .short, heldOn: day(year, 2, 1),
                                            languageLevels: LanguageLevels(listening: .A2, speaking: .A2, reading: .A1, writing: .A1),
                                            literate: true, schoolYears: 9, vocationalYears: 0, healthRestriction: .none, childcareDuties: false))
        }
        // Language support in the year: 6 persons; one course broken off the year before does not count.
        for caseId in people[0...5] {
            let m = try measure(caseId, "GER_A2", "language", [(.started, day(year, 3, 1))])
            try approval(caseId, m, granted: 100_000, charged: 40_000)
        }
        try measure(people[9], "GER_A2", "language", [(.started, day(year - 1, 1, 10)), (.interrupted, day(year - 1, 6, 1))])
        // Training or work: AMIPLUS for 3 (a small row), an employment programme for 7; 7 persons in all.
        for caseId in people[6...8] {
            let m = try measure(caseId, "AMIPLUS", "work", [(.started, day(year, 4, 1))])
            try approval(caseId, m, granted: 50_000, charged: 0)
        }
        for caseId in people[3...9] {
            let m = try measure(caseId, "EMPLOYMENT_PROGRAMME", "work", [(.started, day(year, 5, 1))])
            try approval(caseId, m, granted: 80_000, charged: 30_000)
        }
        // Not the lump sum, or not the report year: left out.
        let regular = try measure(people[0], "EMPLOYMENT_PROGRAMME", "work", [], funding: .regularStructures)
        try approval(people[0], regular, granted: 999_000, charged: 999_000, funding: .regularStructures)
        let lastYear = try measure(people[1], "GER_A2", "language", [])
        try approval(people[1], lastYear, granted: 777_000, charged: 0, decidedOn: day(year - 1, 12, 31))

        // Worked out from the lines above: GER_A2 6 persons 600,000/240,000; AMIPLUS 3 persons (withheld);
        // EMPLOYMENT_PROGRAMME 7 persons 560,000/210,000. AMIPLUS alone withheld would be the total minus the
        // others, so the smallest other row (GER_A2, 6) is withheld too. Total: 10 persons, 1,310,000/450,000.
        let expectedRows: [[String: JSONValue]] = [
            row("language", "GER_A2", nil, nil, nil, suppressed: true),
            row("work", "AMIPLUS", nil, nil, nil, suppressed: true),
            row("work", "EMPLOYMENT_PROGRAMME", 7, 560_000, 210_000, suppressed: false),
        ]
        let expectedTotal = row(nil, nil, 10, 1_310_000, 450_000, suppressed: false)
        let expectedCounts: [String: JSONValue] = ["first_information": .number(6), "language_support": .number(6),
                                                   "training_or_work_support": .number(7), "early_language_support_children": .number(0)]

        var last: JSONValue = .null
        let settled = try eventually(within: 30, every: 0.5) { () -> Bool? in
            let r = try self.coordination().json("GET", "/reports/federal?year=\(year)", token: self.canton)
            guard r.status == 200 else { XCTFail(r.text); return false }
            last = try r.json()
            let counts = Dictionary(uniqueKeysWithValues: (last["counts"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0["persons"] ?? .null) })
            let rows = (last["lumpSum"]?["measures"]?.arrayValue ?? []).map { $0.objectValue ?? [:] }
            return counts == expectedCounts && rows == expectedRows && last["lumpSum"]?["total"]?.objectValue == expectedTotal ? true : nil
        }
        XCTAssertEqual(settled, true, "the report did not match what was seeded: \(last)")

        let cohorts = last["cohorts"]?.arrayValue ?? []
        XCTAssertEqual(cohorts.compactMap { $0["entryYear"]?.numberValue.map(Int.init) }, Array(cohort...year))
        let seeded = try XCTUnwrap(cohorts.first)
        XCTAssertEqual(seeded["cohortSize"], .number(10))
        let indicators = Dictionary(uniqueKeysWithValues: (seeded["indicators"]?.arrayValue ?? []).map { (Int($0["id"]?.numberValue ?? 0), $0) })
        XCTAssertEqual(indicators[1]?["numerator"], .number(5))
        XCTAssertEqual(indicators[1]?["denominator"], .number(10))
        XCTAssertEqual(indicators[1]?["share"], .number(0.5))
        XCTAssertEqual(indicators[5]?["numerator"], .null, "2 of 10 is a small cell")
        XCTAssertEqual(indicators[5]?["share"], .null)
        XCTAssertEqual(indicators[5]?["denominator"], .number(10))
        XCTAssertEqual(indicators[5]?["suppressed"], .bool(true))
        XCTAssertEqual(indicators[2]?["denominator"], .number(0), "no children in the cohort")
        XCTAssertEqual(cohorts.last?["cohortSize"], .number(0))

        // The same figures as CSV, by format or by Accept; nothing withheld appears in it.
        let csv = try coordination().request("GET", "/reports/federal?year=\(year)&format=csv", headers: [("Authorization", "Bearer \(canton)")])
        XCTAssertEqual(csv.status, 200, csv.text)
        XCTAssertTrue(csv.header("Content-Type")?.hasPrefix("text/csv") ?? false)
        let lines = csv.text.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.first, "report_year,section,entry_year,item,field_of_action,figure,value")
        for line in ["\(year),lump_sum,,EMPLOYMENT_PROGRAMME,work,committed_rappen,560000", "\(year),lump_sum,,AMIPLUS,work,committed_rappen,suppressed",
                     "\(year),lump_sum,,GER_A2,language,spent_rappen,suppressed", "\(year),lump_sum,,total,,spent_rappen,450000",
                     "\(year),ias_indicator,\(cohort),5 social_integration_after_7_years,,numerator,suppressed",
                     "\(year),ias_indicator,\(cohort),1 basic_language_skills_after_3_years,,numerator,5",
                     "\(year),sem_count,,first_information,,persons,6"] {
            XCTAssertTrue(lines.contains(line), "missing \(line) in\n\(csv.text)")
        }
        XCTAssertFalse(csv.text.contains("150000") || csv.text.contains("600000"), "a withheld amount can be read")
        let accept = try coordination().request("GET", "/reports/federal?year=\(year)",
                                                headers: [("Authorization", "Bearer \(canton)"), ("Accept", "text/csv")])
        XCTAssertEqual(accept.text, csv.text)

        // The canton's report only, and a year it can be about.
        let aarau = TestEnvironment.token(org: "municipality:4001")
        XCTAssertEqual(try coordination().json("GET", "/reports/federal?year=\(year)", token: aarau).status, 403)
        let missing = try coordination().json("GET", "/reports/federal?format=xml", token: canton)
        XCTAssertEqual(missing.status, 400)
        XCTAssertTrue(missing.text.contains("year") && missing.text.contains("format"), missing.text)
        // Its oldest cohort would lie before 1900, where no date is.
        XCTAssertEqual(try coordination().json("GET", "/reports/federal?year=1906", token: canton).status, 400)
        XCTAssertEqual(try coordination().json("GET", "/reports/federal?year=1907", token: canton).status, 200)
    }

    // MARK: Steps

    func coordination() throws -> HTTPClient { try Self.stack.client("coordination") }

    func publish<E: EventPayload>(_ payload: E) throws {
        let caseId = try XCTUnwrap(try JSONValue(encoding: payload)["caseId"]?.stringValue, "\(E.eventType) names no case")
        try Self.events.publish(payload, subject: caseId)
    }

    func row(_ field: String?, _ kind: String?, _ persons: Int?, _ committed: Int?, _ spent: Int?, suppressed: Bool) -> [String: JSONValue] {
        func number(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        var members: [String: JSONValue] = ["persons": number(persons), "committedRappen": number(committed), "spentRappen": number(spent),
                                            "suppressed": .bool(suppressed)]
        if let field { members["fieldOfAction"] = .string(field) }
        if let kind { members["measureKind"] = .string(kind) }
        return members
    }
}

private extension JSONValue {
    var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
}
