import IASRuntime

/// A case key sealed under a master key, as stored next to the case: the master key's id and
/// the sealed bytes (nonce ‖ encrypted key ‖ tag, 60 bytes).
public struct WrappedKey: Sendable, Equatable {
    public static let sealedLength = SealedBox.overhead + SymmetricKey.byteCount

    public let masterKeyId: String
    public let sealed: SealedBox

    /// A wrapped key read back from storage; refuses what cannot be one.
    public init(masterKeyId: String, sealed: [UInt8]) throws {
        guard PlainName.isValid(masterKeyId, maxLength: MasterKeyRing.maximumKeyIdLength) else {
            throw CryptoError.invalidWrappedKey("master key id \"\(masterKeyId.prefix(MasterKeyRing.maximumKeyIdLength))\" is not a plain name")
        }
        guard sealed.count == Self.sealedLength else {
            throw CryptoError.invalidWrappedKey("\(sealed.count) sealed bytes; a wrapped key has \(Self.sealedLength)")
        }
        self.init(masterKeyId: masterKeyId, sealed: SealedBox(unchecked: sealed))
    }

    init(masterKeyId: String, sealed: SealedBox) {
        self.masterKeyId = masterKeyId
        self.sealed = sealed
    }
}
