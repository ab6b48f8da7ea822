import IASRuntime

/// Reads one member of a JWK Set's `keys` (RFC 7517, RFC 7518 §6) into a verification key, or
/// says why it is not one.
///
/// The algorithm follows from the key: `kty` RSA is RS256 (a present `alg` must say so), `kty`
/// EC with `crv` P-256 is ES256. Encryption keys (`use` other than `sig`, `key_ops` without
/// `verify`) are passed over quietly, as identity providers publish them beside their signing
/// keys; anything else that cannot be used is refused with a reason for a warning, and never
/// affects the other keys of the set.
enum JSONWebKey {
    static let maximumKeyIdLength = 256

    enum Outcome {
        case usable(VerificationKey)
        /// Not meant for signatures: nothing to warn about.
        case ignored(String)
        /// Meant for signatures (or unclear) but not usable here: worth a warning.
        case refused(String)
    }

    /// Members that only private keys have (RFC 7518 §6.2.2, §6.3.2, §6.4): a document for
    /// verification must never carry them.
    private static let privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    static func read(_ value: JSONValue) -> Outcome {
        guard case .object(let members) = value else { return .refused("is not a JSON object") }
        var keyId: String?
        if let kid = members["kid"] {
            guard case .string(let text) = kid, isUsableKeyId(text) else {
                return .refused("has a kid that is not 1...\(maximumKeyIdLength) printable ASCII characters")
            }
            keyId = text
        }
        if let use = members["use"] {
            guard case .string(let text) = use else { return .refused("has a use that is not a string") }
            guard text == "sig" else { return .ignored("use \"\(text.prefix(20))\" is not sig") }
        }
        if let operations = members["key_ops"] {
            guard case .array(let list) = operations, list.allSatisfy({ $0.stringValue != nil }) else {
                return .refused("has key_ops that are not an array of strings")
            }
            guard list.contains(.string("verify")) else { return .ignored("key_ops do not include verify") }
        }
        if let secret = privateMembers.first(where: { members[$0] != nil }) {
            return .refused("holds private key material (\"\(secret)\"): a JWKS for verification holds public keys only; this key must be considered compromised")
        }
        guard case .string(let type)? = members["kty"] else { return .refused("has no kty") }
        do {
            switch type {
            case "RSA": return .usable(try rsa(members, keyId: keyId))
            case "EC": return .usable(try ec(members, keyId: keyId))
            default: return .refused("kty \"\(type.prefix(20))\" is not supported (RSA for RS256, EC P-256 for ES256)")
            }
        } catch {
            return .refused(error.message)
        }
    }

    private static func rsa(_ members: [String: JSONValue], keyId: String?) throws(AuthConfigurationError) -> VerificationKey {
        try requireAlgorithm(members, .rs256)
        let modulus = try bytes(members, "n")
        let exponent = try bytes(members, "e")
        return VerificationKey(keyId: keyId, publicKey: try PublicKey.rsa(modulus: modulus, exponent: exponent))
    }

    private static func ec(_ members: [String: JSONValue], keyId: String?) throws(AuthConfigurationError) -> VerificationKey {
        guard case .string(let curve)? = members["crv"] else { throw AuthConfigurationError("kty EC without crv") }
        guard curve == "P-256" else {
            throw AuthConfigurationError("curve \"\(curve.prefix(20))\" is not supported (P-256 for ES256)")
        }
        try requireAlgorithm(members, .es256)
        return VerificationKey(keyId: keyId, publicKey: try PublicKey.p256(x: try bytes(members, "x"), y: try bytes(members, "y")))
    }

    /// A present `alg` must be the key type's algorithm; absent, the type decides.
    private static func requireAlgorithm(_ members: [String: JSONValue], _ algorithm: JWTAlgorithm) throws(AuthConfigurationError) {
        guard let alg = members["alg"] else { return }
        guard case .string(let name) = alg, name == algorithm.rawValue else {
            throw AuthConfigurationError("alg \(alg.stringValue.map { "\"\($0.prefix(20))\"" } ?? "that is not a string") is not \(algorithm), the only algorithm of this key type")
        }
    }

    private static func bytes(_ members: [String: JSONValue], _ name: String) throws(AuthConfigurationError) -> [UInt8] {
        guard case .string(let text)? = members[name] else { throw AuthConfigurationError("member \"\(name)\" is missing") }
        guard let decoded = Base64URL.decode(text), !decoded.isEmpty else {
            throw AuthConfigurationError("member \"\(name)\" is not unpadded base64url")
        }
        return decoded
    }

    static func isUsableKeyId(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...maximumKeyIdLength).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
