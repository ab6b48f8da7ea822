import IASRuntime

/// The protected header of a compact JWS, validated before anything else of the token is
/// looked at: the algorithm it names and the key id it selects.
struct JWTHeader {
    /// Longest decoded header accepted; a genuine one is around 100 bytes, an identity
    /// provider's key id may take up to 256 more.
    static let maximumLength = 1024
    /// Anything else ("crit", "jku", "jwk", "x5u", "x5c", ...) would ask for behaviour this
    /// verifier does not have, or offer a key of the sender's choosing. The certificate
    /// thumbprints some providers add are informational and never used.
    private static let allowedMembers: Set<String> = ["alg", "typ", "kid", "x5t", "x5t#S256"]
    /// `JWT`, or RFC 9068's access-token types; compared case-insensitively (RFC 7515 §4.1.9).
    private static let allowedTypes: Set<String> = ["jwt", "at+jwt", "application/at+jwt"]

    let algorithm: JWTAlgorithm
    let keyId: String?

    init(_ segment: ArraySlice<UInt8>) throws(AuthenticationError) {
        guard segment.count <= (Self.maximumLength * 4 + 2) / 3,
              let bytes = Base64URL.decode(segment),
              let header = Self.jsonObject(bytes) else { throw .malformed }
        guard case .string(let name)? = header["alg"] else { throw .malformed }
        // "none", other HMACs, RSA-PSS, EdDSA, ... are refused outright.
        guard let algorithm = JWTAlgorithm(rawValue: name) else { throw .unsupportedAlgorithm }
        guard header.keys.allSatisfy(Self.allowedMembers.contains) else { throw .malformed }
        if let type = header["typ"] {
            guard case .string(let text) = type, Self.allowedTypes.contains(text.lowercased()) else { throw .malformed }
        }
        for thumbprint in ["x5t", "x5t#S256"] {
            if let value = header[thumbprint], value.stringValue == nil { throw .malformed }
        }
        var keyId: String?
        if let value = header["kid"] {
            guard case .string(let text) = value, !text.isEmpty else { throw .malformed }
            keyId = text
        }
        self.algorithm = algorithm
        self.keyId = keyId
    }

    static func jsonObject(_ bytes: [UInt8]) -> [String: JSONValue]? {
        guard case .object(let members)? = try? JSONParser.parse(bytes) else { return nil }
        return members
    }
}
