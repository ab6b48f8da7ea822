/// What went wrong in sealing, opening or unwrapping. A failure to open never comes with any
/// of the plaintext: the caller learns that it failed and why, nothing else.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The tag did not match: ciphertext, nonce, tag or associated data were altered, or the
    /// key is not the one that sealed it. GCM cannot tell these apart, so neither can we.
    case authenticationFailed
    /// A key of this many bytes was given where AES-256 needs exactly 32.
    case invalidKeyLength(Int)
    /// A nonce of this many bytes was given where AES-GCM here takes exactly 12.
    case invalidNonceLength(Int)
    /// Sealed data shorter than its nonce and tag alone: cut off, or not sealed data at all.
    case truncated(length: Int, minimum: Int)
    /// A stored wrapped key that cannot be one (its master key id or its length).
    case invalidWrappedKey(String)
    /// The wrapped key names a master key the ring does not hold.
    case unknownMasterKey(id: String, known: [String])
    /// Chunk `index` of a chunked document failed authentication: altered, reordered,
    /// duplicated, from another document, or it is the last one left after the rest was cut off.
    case chunkAuthenticationFailed(index: Int)
    /// The chunks ended before the one sealed as final: the document was cut off.
    case missingFinalChunk(chunksOpened: Int)
    /// A chunk came after the final one.
    case chunkAfterFinal(index: Int)
    /// libcrypto reported a failure that is not about the data (allocation, provider).
    case libcrypto(operation: String, reason: String)

    public var description: String {
        switch self {
        case .authenticationFailed:
            return "authentication failed: the sealed data was altered, or the key or associated data are not the ones it was sealed with"
        case .invalidKeyLength(let length):
            return "a key of \(length) bytes was given; AES-256 needs exactly \(SymmetricKey.byteCount)"
        case .invalidNonceLength(let length):
            return "a nonce of \(length) bytes was given; AES-256-GCM here takes exactly \(AESGCM.nonceLength)"
        case .truncated(let length, let minimum):
            return "sealed data of \(length) bytes is shorter than the \(minimum) bytes of its nonce and tag alone"
        case .invalidWrappedKey(let reason):
            return "not a wrapped key: \(reason)"
        case .unknownMasterKey(let id, let known):
            return "the key is wrapped under master key \"\(id)\", which the master key ring does not hold (it holds \(known.joined(separator: ", "))): "
                + "add that key back after the active one, or re-wrap with a ring that has it"
        case .chunkAuthenticationFailed(let index):
            return "chunk \(index) failed authentication: it was altered, reordered, duplicated, taken from another document, or the chunks after it were cut off"
        case .missingFinalChunk(let opened):
            return "the chunks ended after \(opened) without the final one: the document was cut off"
        case .chunkAfterFinal(let index):
            return "chunk \(index) comes after the final chunk"
        case .libcrypto(let operation, let reason):
            return "libcrypto failed in \(operation): \(reason)"
        }
    }
}
