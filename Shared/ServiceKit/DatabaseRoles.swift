import IASPostgres

/// What the runtime role of a service may do in a database another role owns (the owner runs
/// the migrations, `IAS_DATABASE_MIGRATION_URL`): read and change the service's tables, but
/// only read and append to the append-only schemas (the audit trail), whose rows nothing but
/// the owner's functions may remove. Granted again at every start, after the migrations, so
/// that tables a migration added are covered and a grant given by hand is taken back.
public enum DatabaseRoles {
    /// Schemas whose tables the runtime role may read and append to, never update or delete.
    public static let appendOnlySchemas: Set<String> = ["audit"]

    /// Any fixed number; instances starting together grant one after the other (concurrent
    /// GRANTs on one object fail with "tuple concurrently updated").
    static let lockKey: Int64 = 0x1A5_5C4E_3A01

    /// Grants `runtimeRole` its rights on every schema of the database that the connection's
    /// role owns, and `public`. Idempotent.
    public static func grant(to runtimeRole: String, on c: PostgresConnection) throws {
        try c.execute("SELECT pg_advisory_xact_lock($1)", [lockKey])
        let schemas = try c.query("""
            SELECT nspname FROM pg_namespace
            WHERE nspname = 'public'
               OR (pg_has_role(current_user, nspowner, 'USAGE') AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema')
            ORDER BY nspname
            """).map { try $0.string("nspname") }
        let role = PostgresConnection.quotedIdentifier(runtimeRole)
        for name in schemas {
            let schema = PostgresConnection.quotedIdentifier(name)
            try c.execute("GRANT USAGE ON SCHEMA \(schema) TO \(role)")
            if appendOnlySchemas.contains(name) {
                try c.execute("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA \(schema) FROM \(role)")
                try c.execute("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA \(schema) TO \(role)")
                try c.execute("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA \(schema) TO \(role)")
            } else {
                try c.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(schema) TO \(role)")
                try c.execute("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA \(schema) TO \(role)")
            }
        }
    }

    /// The role a connection acts as.
    public static func currentRole(on c: PostgresConnection) throws -> String {
        try c.query("SELECT current_user::text AS role")[0].string("role")
    }
}
