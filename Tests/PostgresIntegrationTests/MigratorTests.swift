import Foundation
import IASPostgres
import IASRuntime
import TestSupport
import XCTest

final class MigratorTests: XCTestCase {
    /// Two migrations that fail if applied twice: CREATE TABLE without IF NOT EXISTS, and a seed row.
    private func migrations(_ table: String) -> [Migration] {
        [
            Migration(version: 1, name: "create", sql: "CREATE TABLE \(table) (id int PRIMARY KEY, label text);\nCREATE INDEX ON \(table) (label);"),
            Migration(version: 2, name: "seed", sql: "INSERT INTO \(table) (id, label) VALUES (1, 'seed');"),
        ]
    }

    private func cleanUp(component: String, table: String, pool: PostgresPool) {
        TestDatabase.drop(table, in: pool)
        _ = try? pool.withConnection { try $0.execute("DELETE FROM schema_migrations WHERE component = $1", [component]) }
        pool.close()
    }

    func testAppliesOnceAndCountsPending() throws {
        let pool = try TestDatabase.pool()
        let component = TestDatabase.uniqueName("component")
        let table = TestDatabase.uniqueName("migrated")
        defer { cleanUp(component: component, table: table, pool: pool) }
        let migrator = Migrator(pool: pool, component: component, migrations: migrations(table).reversed(), logger: TestDatabase.logger)

        XCTAssertEqual(try migrator.pendingCount(), 2)
        XCTAssertEqual(try migrator.migrate().map(\.version), [1, 2])
        XCTAssertEqual(try migrator.pendingCount(), 0)
        XCTAssertEqual(try migrator.migrate(), [])

        let recorded = try pool.withConnection {
            try $0.query("SELECT version, name, checksum, applied_at FROM schema_migrations WHERE component = $1 ORDER BY version", [component])
        }
        XCTAssertEqual(try recorded.map { try $0.string("name") }, ["create", "seed"])
        XCTAssertEqual(try recorded.first?.string("checksum"), migrations(table)[0].checksum)
        XCTAssertLessThan(abs(try recorded[0].date("applied_at").timeIntervalSinceNow), 60)

        let more = migrations(table) + [Migration(version: 3, name: "more", sql: "ALTER TABLE \(table) ADD COLUMN extra int;")]
        let next = Migrator(pool: pool, component: component, migrations: more, logger: TestDatabase.logger)
        XCTAssertEqual(try next.pendingCount(), 1)
        XCTAssertEqual(try next.migrate().map(\.name), ["more"])
        XCTAssertEqual(try next.pendingCount(), 0)
    }

    func testConcurrentMigratorsApplyEachMigrationOnce() throws {
        let component = TestDatabase.uniqueName("component")
        let table = TestDatabase.uniqueName("concurrent")
        let pools = [try TestDatabase.pool(), try TestDatabase.pool()]  // two "instances"
        defer { pools[1].close(); cleanUp(component: component, table: table, pool: pools[0]) }
        let applied = Locked<[Int]>([])
        let failures = Locked<[String]>([])
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for pool in pools {
            let migrator = Migrator(pool: pool, component: component, migrations: migrations(table), logger: TestDatabase.logger)
            TestDatabase.spawn(group) {
                start.wait()
                do {
                    let versions = try migrator.migrate().map(\.version)
                    applied.withLock { $0 += versions }
                } catch { failures.withLock { $0.append("\(error)") } }
            }
        }
        start.signal()
        start.signal()
        XCTAssertEqual(group.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(failures.current, [])
        XCTAssertEqual(applied.current.sorted(), [1, 2])
        XCTAssertEqual(try pools[0].withConnection { try $0.query("SELECT count(*) AS n FROM \(table)").first?.int("n") }, 1)
    }

    func testChangedMigrationIsRefused() throws {
        let pool = try TestDatabase.pool()
        let component = TestDatabase.uniqueName("component")
        let table = TestDatabase.uniqueName("changed")
        defer { cleanUp(component: component, table: table, pool: pool) }
        _ = try Migrator(pool: pool, component: component, migrations: migrations(table), logger: TestDatabase.logger).migrate()

        var edited = migrations(table)
        edited[1] = Migration(version: 2, name: "seed", sql: "INSERT INTO \(table) (id, label) VALUES (2, 'edited');")
        edited.append(Migration(version: 3, name: "never", sql: "ALTER TABLE \(table) ADD COLUMN never int;"))
        let migrator = Migrator(pool: pool, component: component, migrations: edited, logger: TestDatabase.logger)
        XCTAssertThrowsError(try migrator.migrate()) { error in
            XCTAssertTrue(error is MigrationError)
            XCTAssertTrue("\(error)".contains("changed"), "\(error)")
        }
        XCTAssertEqual(try migrator.pendingCount(), 1, "version 3 was not applied")
    }

    func testFailingMigrationIsRolledBackAndNotRecorded() throws {
        let pool = try TestDatabase.pool()
        let component = TestDatabase.uniqueName("component")
        let table = TestDatabase.uniqueName("failing")
        defer { cleanUp(component: component, table: table, pool: pool) }
        let broken = [Migration(version: 1, name: "broken", sql: "CREATE TABLE \(table) (id int); INSERT INTO \(table) VALUES ('not a number');")]
        let migrator = Migrator(pool: pool, component: component, migrations: broken, logger: TestDatabase.logger)
        XCTAssertThrowsError(try migrator.migrate()) { error in
            XCTAssertTrue(error is MigrationError, "\(error)")
            XCTAssertTrue("\(error)".contains("broken"), "\(error)")
        }
        XCTAssertEqual(try migrator.pendingCount(), 1)
        let exists = try pool.withConnection {
            try $0.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]).first?.bool("present")
        }
        XCTAssertEqual(exists, false)
    }

    func testDuplicateVersionsAreRefused() throws {
        let pool = try TestDatabase.pool()
        defer { pool.close() }
        let duplicated = [Migration(version: 1, name: "a", sql: "SELECT 1;"), Migration(version: 1, name: "b", sql: "SELECT 2;")]
        XCTAssertThrowsError(try Migrator(pool: pool, component: TestDatabase.uniqueName("component"), migrations: duplicated, logger: TestDatabase.logger).migrate()) { error in
            XCTAssertTrue(error is MigrationError)
        }
    }

    func testLoadReadsNumberedFilesInOrder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("migrations"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("0010_add_index.sql", "CREATE INDEX x ON t (a);")
        try write("0002_create-table.sql", "CREATE TABLE t (a int);")
        try write("README.md", "not a migration")
        try write(".0003_hidden.sql", "ignored")
        let loaded = try Migrator.load(directory: directory)
        XCTAssertEqual(loaded.map(\.version), [2, 10])
        XCTAssertEqual(loaded.map(\.name), ["create-table", "add_index"])
        XCTAssertEqual(loaded[0].sql, "CREATE TABLE t (a int);")
        // Checksums equal `sha256sum` of the file (and the FIPS 180-4 test vector of "abc").
        XCTAssertEqual(loaded[0].checksum, "291a0f6d454589b4c8571acec911dc477d44327957e3b24cb804d2286eacca3a")
        XCTAssertEqual(Migration(version: 1, name: "x", sql: "abc").checksum, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Migration(version: 1, name: "x", sql: String(repeating: "a", count: 1000)).checksum,
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")

        try write("2_create_again.sql", "SELECT 1;")
        XCTAssertThrowsError(try Migrator.load(directory: directory)) { error in
            XCTAssertTrue("\(error)".contains("0002_create-table.sql") && "\(error)".contains("2_create_again.sql"), "\(error)")
        }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("2_create_again.sql"))

        for bad in ["create.sql", "0004.sql", "0005_.sql", "x005_name.sql", "0000_zero.sql", "0006_bad name.sql"] {
            try write(bad, "SELECT 1;")
            XCTAssertThrowsError(try Migrator.load(directory: directory), bad) { error in
                XCTAssertTrue("\(error)".contains(bad), "\(error)")
            }
            try FileManager.default.removeItem(at: directory.appendingPathComponent(bad))
        }
        XCTAssertThrowsError(try Migrator.load(directory: directory.appendingPathComponent("missing"))) { error in
            XCTAssertTrue(error is MigrationError)
        }
    }
}
