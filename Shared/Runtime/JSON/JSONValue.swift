/// Any JSON value: what `JSONParser` reads, and where the shape is open (the `data` of an
/// event envelope before a consumer decodes it into its own type, extra members of a
/// problem document).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Any Encodable value (for example an event's data struct) as a value, without text in between.
    public init<T: Encodable>(encoding value: T) throws {
        let state = JSONEncodingState(output: JSONValueBuilder())
        try state.encode(value, key: nil)
        self = (state.output as! JSONValueBuilder).result
    }

    /// This value read into a concrete type, with the errors `DecodingError.reason` describes.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.decode(type, from: self, at: [])
    }

    /// A `Decoder` over this value, for a decoder of another source that meets JSON inside
    /// (a `jsonb` column of a row).
    public func decoder(codingPath: [any CodingKey]) -> any Decoder {
        JSONValueDecoder(value: self, codingPath: codingPath)
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A number as an integer when it is whole and below 9e15 in magnitude: how such a number
    /// is written (no fraction, no exponent) and read where an integer is expected.
    public static func integer(_ number: Double) -> Int64? {
        number == number.rounded() && abs(number) < 9e15 ? Int64(number) : nil
    }
}

extension JSONValue: Codable {
    /// Taken as it is from the suite's decoder, which is the only one that reads it.
    public init(from decoder: Decoder) throws {
        guard let decoder = decoder as? JSONValueDecoder else {
            throw DecodingError.typeMismatch(JSONValue.self, .init(
                codingPath: decoder.codingPath, debugDescription: "a JSONValue is read by JSONParser and JSONValue.decode only"))
        }
        self = decoder.value
    }

    /// The suite's encoder writes it directly; another encoder (a test's reference) gets its
    /// parts: an integral number below 9e15 as an integer.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if let integer = JSONValue.integer(n) { try c.encode(integer) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
