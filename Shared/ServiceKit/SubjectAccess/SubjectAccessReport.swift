import Foundation
import IASRuntime

/// What one service holds about one person (`GET /subject-access/{personId}`): the rows of
/// each of its tables that belong to the person or to one of the person's cases, the events
/// about those cases still waiting in its outbox, and what it keeps back and why.
public struct SubjectAccessReport: Codable, Sendable {
    public let service: String
    public let personId: Identifier
    public let caseIds: [Identifier]
    public let generatedAt: Date
    public let tables: [Table]
    /// The outbox rows of the person's cases (audit records left out: the accesses are
    /// exported from the audit trail itself).
    public let outbox: Table
    public let withheld: [Withheld]

    public struct Table: Codable, Sendable {
        public let table: String
        public let count: Int
        /// Each row as JSON, its columns by their names (binary columns withheld).
        public let rows: [JSONValue]
    }

    /// A table, or some of its columns, that is not in the report.
    public struct Withheld: Codable, Sendable, Equatable {
        public let table: String
        /// Nil: the whole table.
        public let columns: [String]?
        public let reason: String

        public init(table: String, columns: [String]? = nil, reason: String) {
            self.table = table
            self.columns = columns
            self.reason = reason
        }
    }

    /// The number of rows over every table, the outbox included.
    public var recordCount: Int { tables.reduce(outbox.count) { $0 + $1.count } }
}
