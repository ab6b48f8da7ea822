import IASCrypto
import XCTest

final class ChunkedSealingTests: XCTestCase {
    private let key = SymmetricKey.generate()
    private let prefix = Array("document-version:0d3c5e1a".utf8)

    private func body(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) }
    }

    private func seal(_ body: some ContiguousBytes, chunkSize: Int = ChunkedSealing.defaultChunkSize, prefix: [UInt8]? = nil) throws -> [SealedBox] {
        var chunks: [SealedBox] = []
        try ChunkedSealing.seal(body, key: key, prefix: prefix ?? self.prefix, chunkSize: chunkSize) { chunks.append($0) }
        return chunks
    }

    private func open(_ chunks: [SealedBox], prefix: [UInt8]? = nil) throws -> [UInt8] {
        var result: [UInt8] = []
        try ChunkedSealing.open(chunks, key: key, prefix: prefix ?? self.prefix) { result += $0 }
        return result
    }

    func testRoundTripsAtTheEdgesOfAChunk() throws {
        let size = ChunkedSealing.defaultChunkSize
        XCTAssertEqual(size, 512 * 1024)
        for (count, expectedChunks) in [(0, 1), (1, 1), (size, 1), (size + 1, 2), (size * 7 / 2, 4)] {
            let original = body(count)
            let chunks = try seal(original)
            XCTAssertEqual(chunks.count, expectedChunks, "\(count) bytes")
            XCTAssertTrue(chunks.allSatisfy { $0.ciphertext.count <= size }, "\(count) bytes")
            XCTAssertEqual(chunks.map(\.ciphertext.count).reduce(0, +), count)
            XCTAssertEqual(try open(chunks), original, "\(count) bytes")
        }
    }

    func testSealsASliceOfALargerBodyAndHandsOutOneChunkAtATime() throws {
        let whole = body(5000)
        let chunks = try seal(whole[1000..<4500], chunkSize: 1000)
        XCTAssertEqual(chunks.count, 4)
        var pieces: [[UInt8]] = []
        try ChunkedSealing.open(chunks, key: key, prefix: prefix) { pieces.append($0) }
        XCTAssertEqual(pieces.map(\.count), [1000, 1000, 1000, 500])
        XCTAssertEqual(Array(pieces.joined()), Array(whole[1000..<4500]))
    }

    /// The AAD of chunk i is prefix ‖ i (UInt32 big-endian) ‖ final flag: the stored format.
    func testTheAssociatedDataOfEachChunk() throws {
        let chunks = try seal(body(3500), chunkSize: 1000)
        XCTAssertEqual(try AESGCM.open(chunks[1], key: key, aad: prefix + [0, 0, 0, 1, 0]), Array(body(3500)[1000..<2000]))
        XCTAssertEqual(try AESGCM.open(chunks[3], key: key, aad: prefix + [0, 0, 0, 3, 1]), Array(body(3500)[3000...]))
        XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(chunks[3], key: key, aad: prefix + [0, 0, 0, 3, 0]))
    }

    func testEveryRearrangementIsDetected() throws {
        let chunks = try seal(body(3500), chunkSize: 1000)
        XCTAssertEqual(chunks.count, 4)
        XCTAssertEqual(try open(chunks), body(3500))

        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 0), try open([chunks[1], chunks[0], chunks[2], chunks[3]]), "reordered")
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 2), try open(Array(chunks.dropLast())), "last chunk dropped")
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 1), try open([chunks[0], chunks[2], chunks[3]]), "middle chunk dropped")
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 1), try open([chunks[0], chunks[0], chunks[1], chunks[2], chunks[3]]), "duplicated")
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 3), try open(chunks + [chunks[3]]), "final chunk repeated")
        XCTAssertThrows(CryptoError.missingFinalChunk(chunksOpened: 0), try open([]), "nothing left")

        var altered = chunks
        var bytes = altered[2].serialized
        bytes[bytes.count / 2] ^= 0x20
        altered[2] = try SealedBox(serialized: bytes)
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 2), try open(altered), "altered")
    }

    func testAChunkCutOffFromItsFinalFlagIsDetected() throws {
        let chunks = try seal(body(3500), chunkSize: 1000)
        // The last chunk presented as not final (its flag stripped) does not open.
        var opener = ChunkOpener(key: key, prefix: prefix)
        for chunk in chunks.dropLast() { _ = try opener.open(chunk, isFinal: false) }
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 3), try opener.open(chunks[3], isFinal: false))
        // A reader that stops before the final chunk is told the document is incomplete.
        XCTAssertThrows(CryptoError.missingFinalChunk(chunksOpened: 3), try opener.finish())
        XCTAssertFalse(opener.isComplete)

        _ = try opener.open(chunks[3], isFinal: true)
        XCTAssertTrue(opener.isComplete)
        XCTAssertNoThrow(try opener.finish())
        XCTAssertThrows(CryptoError.chunkAfterFinal(index: 4), try opener.open(chunks[3], isFinal: true))
    }

    func testChunksBelongToTheirDocumentAndKey() throws {
        let chunks = try seal(body(3500), chunkSize: 1000)
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 0), try open(chunks, prefix: Array("document-version:other".utf8)), "wrong prefix")
        let other = try seal(body(3500), chunkSize: 1000, prefix: Array("document-version:other".utf8))
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 1), try open([chunks[0], other[1], chunks[2], chunks[3]]), "chunk of another document")
        XCTAssertThrows(CryptoError.chunkAuthenticationFailed(index: 0),
                        try ChunkedSealing.open(chunks, key: SymmetricKey.generate(), prefix: prefix) { _ in }, "another key")
    }

    func testAnErrorOfTheCallerStopsAndComesBackUnchanged() throws {
        struct Stop: Error, Equatable {}
        var sealed = 0
        XCTAssertThrows(Stop(), try ChunkedSealing.seal(body(3500), key: key, prefix: prefix, chunkSize: 1000) { _ in
            sealed += 1
            if sealed == 2 { throw Stop() }
        })
        XCTAssertEqual(sealed, 2)
    }
}
