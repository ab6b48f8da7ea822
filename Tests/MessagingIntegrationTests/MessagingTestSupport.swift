import Foundation
import IASMessaging
import IASPostgres
import IASRuntime
import TestSupport

/// The messaging tables in a database of their own, and an event of no particular type.
enum MessagingTestSupport {
    /// A new database with the messaging migrations, for one test class.
    static func freshPool(poolSize: Int = 4) throws -> PostgresPool {
        try TestDatabase.fresh("ias_msg", poolSize: poolSize, migrations: [("messaging", try MessagingMigrations.load())])
    }

    static func envelope(subject: String = Identifier().description, type: String = "test.Something") -> EventEnvelope {
        EventEnvelope(type: type, source: "/ias/test", subject: subject, correlationid: Identifier(),
                      actorsub: "tester", actororg: "canton:KSD", data: .object(["n": .number(1)]))
    }
}
