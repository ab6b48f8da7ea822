/// The JSON of the suite, text in and out: `JSONParser` reads, `JSONValueDecoder` decodes,
/// the one encoder writes through `JSONWriter`. Everything that reads or writes JSON —
/// requests and responses, events, stored documents, tokens, files — comes through here or
/// through `JSONValue`, so that every document has the same shape and bytes.
public enum JSONCoding {
    /// `value` as compact JSON text with sorted member names; throws for a non-finite number.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let state = JSONEncodingState(output: JSONWriter())
        try state.encode(value, key: nil)
        return (state.output as! JSONWriter).bytes
    }

    /// Reads JSON text (within `limits`) into `type`: throws `JSONParser.Failure` for text
    /// that is not JSON and `DecodingError` for a document of another shape.
    public static func decode<T: Decodable, Bytes: Collection<UInt8>>(_ type: T.Type, from bytes: Bytes,
                                                                    limits: JSONParser.Limits = .general) throws -> T {
        try JSONParser.parse(bytes, limits: limits).decode(type)
    }

    /// What went wrong in `decode`, in words: the path and the reason, never the value.
    public static func explain(_ error: Error) -> String {
        (error as? DecodingError)?.explanation ?? String(describing: error)
    }
}
