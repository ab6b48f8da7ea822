/// One parameterised statement, for running several in one round trip
/// (`PostgresConnection.query(_:isolation:)`).
public struct PostgresStatement {
    public let sql: String
    public let parameters: [any PostgresBindable]

    public init(_ sql: String, _ parameters: [any PostgresBindable] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}
