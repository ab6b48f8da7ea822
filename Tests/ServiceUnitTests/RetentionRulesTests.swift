import Foundation
import IASRuntime
@testable import IASServiceKit
import XCTest

/// The retention rules as data: the bundled file, the durations, and every problem of a bad file.
final class RetentionRulesTests: XCTestCase {
    func testTheBundledRulesHoldEveryKindWithItsPeriod() throws {
        let rules = try RetentionRules.load(path: "")
        XCTAssertEqual(rules[.caseData].keep.iso, "P10Y")
        XCTAssertEqual(rules[.idempotencyRecords].keep.approximateSeconds, 72 * 3600)
        XCTAssertEqual(rules[.publishedOutboxEvents].keep.approximateDays, 7)
        XCTAssertEqual(rules[.deadLetters].keep.approximateDays, 30)
        XCTAssertEqual(rules[.auditTrail].keep.approximateDays, 730)
        XCTAssertEqual(rules[.partnerMessages].keep.approximateDays, 90)
        XCTAssertEqual(rules[.withdrawnDocuments].byCategory["cv"]?.approximateDays, 365)
        XCTAssertEqual(rules[.withdrawnDocuments].byCategory["agreement"]?.approximateDays, 3650)
        XCTAssertGreaterThanOrEqual(rules[.inboxEntries].keep.approximateSeconds, rules[.deadLetters].keep.approximateSeconds)
    }

    func testDurations() {
        XCTAssertEqual(RetentionPeriod("P1Y2M3W4DT5H6M7S")?.approximateSeconds,
                       (((365 + 60 + 21 + 4) * 24 + 5) * 3600) + 6 * 60 + 7)
        XCTAssertEqual(RetentionPeriod("PT72H")?.approximateDays, 3)
        XCTAssertEqual(RetentionPeriod("PT1S")?.approximateDays, 1, "part of a day counts as a day")
        XCTAssertEqual(RetentionPeriod("P0D")?.approximateSeconds, 0)
        for bad in ["", "P", "PT", "10Y", "P10", "P1.5Y", "P-1D", "P1D1D", "P1H", "PT1D", "P1YT", "p1y", "P1Y ", "P9999999D"] {
            XCTAssertNil(RetentionPeriod(bad), bad)
        }
    }

    func rules(_ overrides: [String: [String: Any]], drop: Set<String> = [], extra: [[String: Any]] = []) -> Data {
        var entries: [[String: Any]] = [
            ["kind": "case-data", "keep": "P10Y", "from": "closure"],
            ["kind": "idempotency-records", "keep": "PT72H", "from": "creation"],
            ["kind": "published-outbox-events", "keep": "P7D", "from": "publication"],
            ["kind": "inbox-entries", "keep": "P1Y", "from": "receipt"],
            ["kind": "dead-letters", "keep": "P30D", "from": "dead-lettering"],
            ["kind": "audit-trail", "keep": "P2Y", "from": "recording"],
            ["kind": "withdrawn-documents", "keep": "P2Y", "from": "withdrawal"],
        ].filter { !drop.contains($0["kind"] as! String) } + extra
        for (index, entry) in entries.enumerated() {
            if let change = overrides[entry["kind"] as! String] { entries[index].merge(change) { $1 } }
        }
        return try! JSONSerialization.data(withJSONObject: ["version": "test", "rules": entries])
    }

    func testACantonsFileCanShortenAndLengthen() throws {
        let parsed = try RetentionRules.parse(rules(["case-data": ["keep": "P0D"], "idempotency-records": ["keep": "PT1S"]]))
        XCTAssertEqual(parsed[.caseData].keep.iso, "P0D")
        XCTAssertEqual(parsed[.idempotencyRecords].keep.approximateSeconds, 1)
        XCTAssertEqual(parsed.version, "test")
        // A file written before the partner-messages rule existed: the bundled period.
        XCTAssertEqual(parsed[.partnerMessages].keep.iso, "P90D")
        let shorter = try RetentionRules.parse(rules([:], extra: [["kind": "partner-messages", "keep": "P30D", "from": "publication"]]))
        XCTAssertEqual(shorter[.partnerMessages].keep.approximateDays, 30)
    }

    func testEveryProblemOfAFileIsReportedTogether() {
        var data = rules(["case-data": ["keep": "ten years"], "inbox-entries": ["keep": "P7D"], "audit-trail": ["keep": "P6M"],
                          "published-outbox-events": ["from": "creation"], "idempotency-records": ["byCategory": ["cv": "P1Y"]]],
                         drop: ["withdrawn-documents"])
        var json = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["rules"] = (json["rules"] as! [[String: Any]]) + [["kind": "emails", "keep": "P1D", "from": "creation"]]
        data = try! JSONSerialization.data(withJSONObject: json)
        XCTAssertThrowsError(try RetentionRules.parse(data)) { error in
            let problems = (error as? RetentionRulesError)?.problems ?? []
            let text = problems.joined(separator: "\n")
            XCTAssertEqual(problems.count, 7, text)
            for expected in ["case-data: keep 'ten years'", "inbox-entries (P7D) must be kept at least as long as dead-letters",
                             "audit-trail must be kept at least P1Y", "published-outbox-events is counted from publication",
                             "byCategory applies to withdrawn-documents only", "withdrawn-documents has no rule", "unknown kind 'emails'"] {
                XCTAssertTrue(text.contains(expected), "missing: \(expected)\n\(text)")
            }
        }
    }

    func testAFileThatIsNoJSONOrMissingIsRefused() {
        XCTAssertThrowsError(try RetentionRules.parse(Data("{".utf8)))
        XCTAssertThrowsError(try RetentionRules.load(path: "/nonexistent/retention.json")) { error in
            XCTAssertTrue("\(error)".contains("cannot read the retention rules"))
        }
    }

    func testTheKeysAreReadWithTheOthersAndAFileProblemIsReportedAsTheKeys() {
        let reader = ConfigurationReader(environment: ["IAS_RETENTION_RULES_FILE": "/nonexistent/rules.json",
                                                       "IAS_RETENTION_INTERVAL_SECONDS": "0", "IAS_RETENTION_BATCH_SIZE": "20000"])
        XCTAssertNil(RetentionSettings.read(from: reader))
        XCTAssertEqual(reader.problems.count, 3, "\(reader.problems)")
        XCTAssertTrue(reader.problems.contains { $0.hasPrefix("IAS_RETENTION_RULES_FILE: cannot read") }, "\(reader.problems)")

        let defaults = RetentionSettings.read(from: ConfigurationReader(environment: [:]))
        XCTAssertEqual(defaults?.intervalSeconds, 3600)
        XCTAssertEqual(defaults?.batchSize, 500)
        XCTAssertEqual(defaults?.rules[.caseData].keep.iso, "P10Y")
    }
}
