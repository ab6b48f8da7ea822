import Foundation
import IASRuntime

/// The HS256 secrets a service accepts, by key id, and the one it signs with.
///
/// Rotation: list the new key first (it signs) and keep the old one after it (still
/// accepted) until every token signed with it has expired, then remove it.
public struct JWTKeySet: Sendable, CustomStringConvertible, CustomReflectable {
    /// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
    public static let minimumSecretLength = 32
    /// The key id used when the configuration holds a single secret.
    public static let defaultKeyIdentifier = "default"
    package static let maximumKeyIdLength = 64

    /// The key used for signing, and for verifying tokens without a `kid` header.
    public let signingKeyId: String
    private let secrets: [String: [UInt8]]

    /// Secrets by key id. A token with a `kid` header is checked against that key only; a token without `kid` against the default key.
    public init(defaultKeyId: String, secrets: [String: [UInt8]]) throws {
        guard !secrets.isEmpty else {
            throw AuthConfigurationError("the JWT key set holds no secret")
        }
        for (keyId, secret) in secrets.sorted(by: { $0.key < $1.key }) {
            guard Self.isValidKeyId(keyId) else {
                throw AuthConfigurationError(
                    "JWT key id \"\(keyId.prefix(Self.maximumKeyIdLength))\" is not 1...\(Self.maximumKeyIdLength) characters of A-Z, a-z, 0-9, '.', '_', '-'")
            }
            guard secret.count >= Self.minimumSecretLength else {
                throw AuthConfigurationError(
                    "the JWT secret for key id \"\(keyId)\" is \(secret.count) bytes long; HS256 needs at least \(Self.minimumSecretLength)")
            }
        }
        guard secrets[defaultKeyId] != nil else {
            throw AuthConfigurationError("the default JWT key id \"\(defaultKeyId.prefix(Self.maximumKeyIdLength))\" has no secret")
        }
        self.signingKeyId = defaultKeyId
        self.secrets = secrets
    }

    /// Parses IAS_JWT_SECRET-style configuration: either one secret (used as key id "default"), or a list "kid1:secret1,kid2:secret2" where the FIRST entry is the one used for signing and the others are still accepted (rotation).
    ///
    /// Text containing ':' or ',' is read as a list, so a single secret must contain
    /// neither; a secret with ':' can still be given as "default:<secret>" (the entry is
    /// split at its first ':'). Surrounding whitespace of the text, of entries and of key
    /// ids is ignored; a secret is used as its UTF-8 bytes.
    public static func parse(_ text: String) throws -> JWTKeySet {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw AuthConfigurationError("IAS_JWT_SECRET is empty")
        }
        guard trimmed.contains(":") || trimmed.contains(",") else {
            return try JWTKeySet(defaultKeyId: defaultKeyIdentifier, secrets: [defaultKeyIdentifier: Array(trimmed.utf8)])
        }
        var first: String?
        var secrets: [String: [UInt8]] = [:]
        for (index, entry) in trimmed.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let position = index + 1
            guard let colon = entry.firstIndex(of: ":") else {
                throw AuthConfigurationError(
                    "IAS_JWT_SECRET entry \(position) is not of the form keyId:secret (a single secret must contain neither ':' nor ',')")
            }
            let keyId = entry[..<colon].trimmingCharacters(in: .whitespaces)
            let secret = entry[entry.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard secrets[keyId] == nil else {
                throw AuthConfigurationError("IAS_JWT_SECRET lists key id \"\(keyId)\" twice")
            }
            guard isValidKeyId(keyId) else {
                throw AuthConfigurationError(
                    "IAS_JWT_SECRET entry \(position) has key id \"\(keyId.prefix(maximumKeyIdLength))\"; expected 1...\(maximumKeyIdLength) characters of A-Z, a-z, 0-9, '.', '_', '-'")
            }
            secrets[keyId] = Array(secret.utf8)
            first = first ?? keyId
        }
        return try JWTKeySet(defaultKeyId: first ?? defaultKeyIdentifier, secrets: secrets)
    }

    /// Every accepted key id, sorted.
    public var keyIds: [String] { secrets.keys.sorted() }

    package func secret(forKeyId keyId: String) -> [UInt8]? {
        secrets[keyId]
    }

    static func isValidKeyId(_ keyId: String) -> Bool {
        PlainName.isValid(keyId, maxLength: maximumKeyIdLength)
    }

    // MARK: Never print secrets

    public var description: String {
        "JWTKeySet(signing: \(signingKeyId), accepted: \(keyIds.joined(separator: ", ")))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["signingKeyId": signingKeyId, "keyIds": keyIds])
    }
}
