extension PostgresConnection {
    /// A name in double quotes, inner quotes doubled: for the places where SQL takes no
    /// parameter (table, column, schema, role and database names). The names come from the
    /// code or the server's catalogue, not from input; quoted all the same.
    public static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
