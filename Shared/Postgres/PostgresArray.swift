/// A list sent as one array parameter (`$1::uuid[]`, `$1::text[]`, `= ANY($1::bigint[])`): the
/// one way to pass a list to a statement. Each element is written in its own text form, quoted
/// and escaped, so no element can end the array or split into two.
public struct PostgresArray: PostgresBindable, Sendable {
    public let postgresText: String?

    public init<Element: PostgresBindable>(_ elements: some Sequence<Element>) {
        var literal = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { literal += "," }
            guard let text = element.postgresText else { literal += "NULL"; continue }
            literal += "\""
            for character in text {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.append(character)
            }
            literal += "\""
        }
        postgresText = literal + "}"
    }
}
