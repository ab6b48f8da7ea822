/// The result of AES-256-GCM sealing, kept in its serialised form: nonce (12 bytes) ‖
/// ciphertext ‖ tag (16 bytes). The form is what gets stored, so holding it as one array means
/// neither storing nor reading it back copies the ciphertext.
public struct SealedBox: Sendable, Equatable {
    /// Bytes a sealed box adds to its plaintext: the nonce and the tag.
    public static let overhead = AESGCM.nonceLength + AESGCM.tagLength

    /// nonce ‖ ciphertext ‖ tag.
    public let serialized: [UInt8]

    /// Reads the serialised form; refuses anything too short to hold a nonce and a tag. Whether
    /// the rest is authentic is for `AESGCM.open` to tell.
    public init(serialized: [UInt8]) throws {
        guard serialized.count >= Self.overhead else {
            throw CryptoError.truncated(length: serialized.count, minimum: Self.overhead)
        }
        self.serialized = serialized
    }

    /// For sealing, which lays the bytes out itself.
    init(unchecked serialized: [UInt8]) {
        self.serialized = serialized
    }

    public var nonce: ArraySlice<UInt8> { serialized[..<AESGCM.nonceLength] }
    public var ciphertext: ArraySlice<UInt8> { serialized[AESGCM.nonceLength..<(serialized.count - AESGCM.tagLength)] }
    public var tag: ArraySlice<UInt8> { serialized[(serialized.count - AESGCM.tagLength)...] }
}
