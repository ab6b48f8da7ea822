import Foundation

/// A large body (a document) sealed as a sequence of AES-256-GCM chunks, so that neither
/// sealing nor opening ever holds more than a chunk or two.
///
/// Each chunk is a `SealedBox` with a fresh random nonce and the AAD
/// `prefix ‖ index (UInt32 big-endian) ‖ final flag (1 byte)`. The index makes a reordered,
/// duplicated or dropped chunk fail authentication; the flag, set on the last chunk only, makes
/// a sequence cut off after any chunk fail too; the prefix (e.g. the document version's id)
/// keeps chunks from being moved between documents under the same key. An empty body is one
/// empty final chunk, so "no chunks at all" is always a cut-off document.
public enum ChunkedSealing {
    public static let defaultChunkSize = 512 * 1024

    /// Seals `body` chunk by chunk, in order, handing each sealed chunk to `chunk` as soon as it
    /// is made. The body is read in place (a slice of a 20 MB array is not copied).
    public static func seal(
        _ body: some ContiguousBytes, key: SymmetricKey, prefix: [UInt8], chunkSize: Int = defaultChunkSize,
        chunk: (SealedBox) throws -> Void
    ) throws {
        precondition(chunkSize > 0, "a chunk size must be positive")
        try body.withUnsafeBytes { bytes in
            let count = Swift.max(1, (bytes.count + chunkSize - 1) / chunkSize)
            precondition(count <= Int(UInt32.max) + 1, "more chunks than a 32-bit index counts")
            for index in 0..<count {
                let start = index * chunkSize
                let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<Swift.min(start + chunkSize, bytes.count)])
                try chunk(AESGCM.seal(piece, key: key, aad: associatedData(prefix: prefix, index: index, isFinal: index == count - 1)))
            }
        }
    }

    /// Opens `chunks` in order, handing each chunk's plaintext to `plaintext`. The last chunk of
    /// the sequence must be the one sealed as final. The sequence is read one chunk ahead (to know
    /// which is last), so at most two chunks are held at a time.
    ///
    /// Plaintext handed out before a later chunk fails is authentic, but the document is not
    /// complete until this returns: a caller that streams it on must be able to abort.
    public static func open(
        _ chunks: some Sequence<SealedBox>, key: SymmetricKey, prefix: [UInt8], plaintext: ([UInt8]) throws -> Void
    ) throws {
        var opener = ChunkOpener(key: key, prefix: prefix)
        var iterator = chunks.makeIterator()
        var current = iterator.next()
        while let chunk = current {
            let next = iterator.next()
            try plaintext(opener.open(chunk, isFinal: next == nil))
            current = next
        }
        try opener.finish()
    }

    static func associatedData(prefix: [UInt8], index: Int, isFinal: Bool) -> [UInt8] {
        let index = UInt32(index)
        return prefix + [UInt8(truncatingIfNeeded: index >> 24), UInt8(truncatingIfNeeded: index >> 16),
                         UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index), isFinal ? 1 : 0]
    }
}

/// Opens the chunks of one document one at a time, for a caller that receives them one by one
/// (rows of a cursor) and knows which is the last. `ChunkedSealing.open` is this over a sequence.
public struct ChunkOpener {
    private let key: SymmetricKey
    private let prefix: [UInt8]
    /// The index the next chunk must have been sealed with.
    public private(set) var nextIndex = 0
    /// True once the final chunk was opened.
    public private(set) var isComplete = false

    public init(key: SymmetricKey, prefix: [UInt8]) {
        self.key = key
        self.prefix = prefix
    }

    /// The plaintext of the next chunk; `isFinal` says whether the caller has no more after it.
    public mutating func open(_ chunk: SealedBox, isFinal: Bool) throws -> [UInt8] {
        guard !isComplete else { throw CryptoError.chunkAfterFinal(index: nextIndex) }
        guard nextIndex <= Int(UInt32.max) else { throw CryptoError.chunkAuthenticationFailed(index: nextIndex) }
        let plaintext: [UInt8]
        do {
            plaintext = try AESGCM.open(chunk, key: key, aad: ChunkedSealing.associatedData(prefix: prefix, index: nextIndex, isFinal: isFinal))
        } catch CryptoError.authenticationFailed {
            throw CryptoError.chunkAuthenticationFailed(index: nextIndex)
        }
        nextIndex += 1
        isComplete = isFinal
        return plaintext
    }

    /// Call after the last chunk: fails when the final chunk was never opened.
    public func finish() throws {
        guard isComplete else { throw CryptoError.missingFinalChunk(chunksOpened: nextIndex) }
    }
}
