/// Case keys sealed under the master keys (AES-256-GCM), bound to their case.
///
/// The AAD is a fixed label and the caller's `context` (e.g. "case:<uuid>"): a wrapped key
/// copied to another case's row does not unwrap there, and the label keeps a wrapped key from
/// passing for any other value some later code might seal under a master key.
public enum KeyWrapping {
    private static let label = Array("ias.case-key.v1|".utf8)

    /// `caseKey` sealed under the ring's active key.
    public static func wrap(caseKey: SymmetricKey, context: String, with ring: MasterKeyRing) throws -> WrappedKey {
        let sealed = try caseKey.withUnsafeBytes {
            try AESGCM.seal($0, key: ring.activeKey, aad: associatedData(context))
        }
        return WrappedKey(masterKeyId: ring.activeKeyId, sealed: sealed)
    }

    /// The case key of `wrapped`, with any key of the ring. Fails with `unknownMasterKey` when
    /// the ring lacks its master key, and `authenticationFailed` when it was wrapped for
    /// another context or altered.
    public static func unwrap(_ wrapped: WrappedKey, context: String, with ring: MasterKeyRing) throws -> SymmetricKey {
        guard let masterKey = ring.key(id: wrapped.masterKeyId) else {
            throw CryptoError.unknownMasterKey(id: wrapped.masterKeyId, known: ring.keyIds)
        }
        var bytes = try AESGCM.open(wrapped.sealed, key: masterKey, aad: associatedData(context))
        defer { LibCrypto.cleanse(&bytes) }
        return try SymmetricKey(bytes: bytes)
    }

    /// For rotation: the same case key wrapped anew under the ring's active key. A rotation
    /// command may skip keys whose `masterKeyId` already is `ring.activeKeyId`.
    public static func rewrap(_ wrapped: WrappedKey, context: String, with ring: MasterKeyRing) throws -> WrappedKey {
        try wrap(caseKey: unwrap(wrapped, context: context, with: ring), context: context, with: ring)
    }

    private static func associatedData(_ context: String) -> [UInt8] {
        // An empty context would bind the key to nothing; contexts are made by code, not input.
        precondition(!context.isEmpty, "a wrapped key needs the context it belongs to")
        return label + Array(context.utf8)
    }
}
