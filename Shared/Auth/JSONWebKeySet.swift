import IASRuntime

/// The keys of an identity provider's JWK Set document (RFC 7517 §5) that tokens may be
/// signed with, by key id.
///
/// A token's `kid` selects one key; a token without `kid` is accepted only while the set holds
/// exactly one key, so that it is never tried against several. Keys that cannot be used
/// (encryption keys, other types or curves, short RSA moduli) are left out with a reason and
/// do not affect the others; a set without any usable key is refused as a whole.
public struct JSONWebKeySet: Sendable, CustomStringConvertible {
    /// Largest document read; a real one holds a handful of keys in a few kilobytes.
    public static let maximumDocumentBytes = 1 << 20

    /// The usable keys, in document order.
    public let keys: [VerificationKey]
    /// Why keys meant for signatures were left out (worth a warning), e.g. `key 2 ("abc"): kty
    /// "OKP" is not supported`.
    public let refused: [String]
    /// Keys passed over because they are not for signatures (encryption keys).
    public let ignored: [String]

    /// Parses a JWK Set document. Throws when it is not a JSON object with a `keys` array or
    /// holds no usable key; the message names the problem (a JWKS holds public keys only, and
    /// nothing of a refused private member is repeated).
    public static func parse(_ document: [UInt8]) throws(AuthConfigurationError) -> JSONWebKeySet {
        guard document.count <= maximumDocumentBytes else {
            throw AuthConfigurationError("the JWKS document is larger than \(maximumDocumentBytes) bytes")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(document) } catch {
            throw AuthConfigurationError("the JWKS document is not JSON (\(error))")
        }
        guard case .object(let members) = value, case .array(let entries)? = members["keys"] else {
            throw AuthConfigurationError("the JWKS document is not a JSON object with a \"keys\" array")
        }
        var keys: [VerificationKey] = []
        var refused: [String] = []
        var ignored: [String] = []
        for (index, entry) in entries.enumerated() {
            let name = "key \(index + 1)" + (entry["kid"]?.stringValue.map { " (\"\($0.prefix(JSONWebKey.maximumKeyIdLength))\")" } ?? "")
            switch JSONWebKey.read(entry) {
            case .usable(let key):
                // Two keys under one kid would make the selection depend on their order: the
                // first one stays, as documented.
                if let keyId = key.keyId, keys.contains(where: { $0.keyId == keyId }) {
                    refused.append("\(name): the kid is used by an earlier key of the set; only that one is used")
                } else {
                    keys.append(key)
                }
            case .ignored(let reason): ignored.append("\(name): \(reason)")
            case .refused(let reason): refused.append("\(name): \(reason)")
            }
        }
        guard !keys.isEmpty else {
            let reasons = (refused + ignored).joined(separator: "; ")
            throw AuthConfigurationError(
                "the JWKS document holds no usable signing key (RSA of at least \(PublicKey.minimumRSABits) bits or EC P-256)"
                    + (reasons.isEmpty ? "" : ": " + reasons))
        }
        return JSONWebKeySet(keys: keys, refused: refused, ignored: ignored)
    }

    /// The key a token's header selects: the one with that `kid`, or, for a token without
    /// `kid`, the only key of the set.
    public func key(forKeyId keyId: String?) -> VerificationKey? {
        guard let keyId else { return keys.count == 1 ? keys[0] : nil }
        return keys.first { $0.keyId == keyId }
    }

    public var description: String {
        "JSONWebKeySet(" + keys.map(\.description).joined(separator: ", ") + ")"
    }
}
