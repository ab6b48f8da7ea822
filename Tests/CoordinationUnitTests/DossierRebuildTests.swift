import Foundation
import IASKafka
import XCTest
@testable import CoordinationService

/// The pure parts of `rebuild-dossier`: how far it reads, which tables it covers, what it
/// prints and how it is called.
final class DossierRebuildTests: XCTestCase {
    let intake0 = TopicPartition(topic: "ias.intake.v1", partition: 0)
    let intake1 = TopicPartition(topic: "ias.intake.v1", partition: 1)
    let plan0 = TopicPartition(topic: "ias.plan.v1", partition: 0)

    func testTheRebuildReadsEachPartitionUpToTheCommittedOffsetExclusive() {
        var progress = RebuildProgress(committed: [intake0: 3, intake1: nil, plan0: 0])
        XCTAssertEqual(progress.partitionsToRead, [intake0], "nothing committed, nothing consumed: nothing to read")
        XCTAssertEqual(progress.decide(intake0, offset: 0), .apply)
        XCTAssertEqual(progress.decide(intake0, offset: 1), .apply)
        XCTAssertFalse(progress.isComplete)
        XCTAssertEqual(progress.decide(intake0, offset: 2), .apply, "the last offset before the committed one")
        XCTAssertTrue(progress.isComplete)
        XCTAssertEqual(progress.decide(intake0, offset: 3), .beyondEnd, "the live consumer has not committed this one yet")
        XCTAssertTrue(progress.endedEarly.isEmpty)
    }

    func testAPartitionThatEndsBeforeTheCommittedOffsetIsDoneAndReported() {
        var progress = RebuildProgress(committed: [intake0: 10, plan0: 2])
        _ = progress.decide(intake0, offset: 4)
        progress.reachedEnd(intake0)
        XCTAssertEqual(progress.endedEarly, [intake0])
        _ = progress.decide(plan0, offset: 7)
        XCTAssertTrue(progress.isComplete, "a first record past the end (earlier ones removed) ends the partition too")
        progress.reachedEnd(plan0)
        XCTAssertEqual(progress.endedEarly, [intake0], "an end after completion is no news")
    }

    func testTheRebuildWritesOnlyTheDossierTablesAndCoversEveryOneOfThem() throws {
        // Every table of coordination's migrations is either built from the topics (rebuilt,
        // compared, swapped) or coordination's own record. A new table must be put on one side.
        let own: Set = ["tasks", "consents", "referrals", "audit_log", "documents", "document_versions", "document_chunks", "case_keys",
                        "document_retention", "indicator_contributions", "erased_cohort_members",
                        "anchors", "retention_anchors", "mail_digests"]
        let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Services/Coordination/Sources/Migrations").standardized
        var created: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: migrations.path) where file.hasSuffix(".sql") {
            let sql = try String(contentsOf: migrations.appendingPathComponent(file), encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: #"CREATE TABLE (?:IF NOT EXISTS )?(?:[a-z_]+\.)?([a-z_]+)"#)
            for match in pattern.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)) {
                created.insert(String(sql[Range(match.range(at: 1), in: sql)!]))
            }
        }
        let rebuilt = Set(DossierTables.all.map(\.name))
        XCTAssertTrue(created.count > 10, "migrations not found at \(migrations.path)")
        XCTAssertEqual(created.subtracting(own), rebuilt)
        XCTAssertTrue(rebuilt.isDisjoint(with: own))
        XCTAssertEqual(DossierTables.all.first?.name, "timeline", "a swap locks the timeline first, as every event transaction writes it first")
        for table in DossierTables.all { XCTAssertFalse(table.key.isEmpty, table.name) }
    }

    func testCoordinationsOwnWorkRunsOnlyLive() {
        var ran: [ProjectionMode] = []
        for mode in [ProjectionMode.live, .rebuild] { mode.coordinationWork { ran.append(mode) } }
        XCTAssertEqual(ran, [.live])
    }

    func testTheReportCountsPerTableAndNamesTheFirstDifferingKeys() {
        var measures = DossierComparisonReport.Table(name: "measures", liveRows: 4, rebuiltRows: 4, different: 2)
        measures.samples = [.init(kind: "different", key: "m-1", columns: "status")]
        let report = DossierComparisonReport(
            tables: [.init(name: "cases", liveRows: 2, rebuiltRows: 2), measures], casesLeftOut: 1, eventsAfterEnd: 3)
        XCTAssertFalse(report.isIdentical)
        XCTAssertEqual(report.differences, 2)
        let lines = report.render()
        XCTAssertEqual(lines[0], "table     live  rebuilt  missing  extra  different")
        XCTAssertEqual(lines[1], "cases        2        2        0      0          0")
        XCTAssertEqual(lines[2], "measures     4        4        0      0          2")
        XCTAssertTrue(lines.contains("different measures m-1 (status)"), "\(lines)")
        XCTAssertTrue(lines.contains("… and 1 more in measures"), "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("left out: 1 cases changed by 3 events") }, "\(lines)")
        XCTAssertTrue(lines.last!.hasPrefix("dossier: 2 differences"))

        let same = DossierComparisonReport(tables: [.init(name: "cases", liveRows: 2, rebuiltRows: 2)], casesLeftOut: 0, eventsAfterEnd: 0)
        XCTAssertTrue(same.isIdentical)
        XCTAssertEqual(same.render().last, "dossier: identical")
    }

    func testTheCommandLine() throws {
        XCTAssertEqual(try RebuildDossierCommand.parse([]).get(), .init(swap: false, samples: 5))
        XCTAssertEqual(try RebuildDossierCommand.parse(["--compare-only"]).get(), .init(swap: false, samples: 5))
        XCTAssertEqual(try RebuildDossierCommand.parse(["--swap", "--samples", "2"]).get(), .init(swap: true, samples: 2))
        for wrong in [["--swap", "--compare-only"], ["--samples"], ["--samples", "x"], ["--force"]] {
            XCTAssertThrowsError(try RebuildDossierCommand.parse(wrong).get(), "\(wrong)")
        }
    }
}
