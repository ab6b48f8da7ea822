import IASCrypto
import IASRuntime
import XCTest

/// FIPS 180-2, appendix B: the one-block, two-block and long-message examples, and the
/// digest of the empty message.
final class SHA256HasherTests: XCTestCase {
    func testPublishedDigests() {
        XCTAssertEqual(SHA256Hasher.hexDigest(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Hasher.hexDigest([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            SHA256Hasher.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256Hasher.digest(Array("abc".utf8)).count, SHA256Hasher.digestLength)
    }

    func testStreamingInPiecesEqualsOneShot() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hasher = SHA256Hasher()
        var offset = 0
        // Pieces across and along block boundaries (64 bytes), including empty ones.
        for size in [0, 1, 63, 64, 65, 0, 1000, 4096].cycled(until: million.count) {
            let end = min(offset + size, million.count)
            hasher.update(million[offset..<end])
            offset = end
        }
        let streamed = hasher.finalize()
        XCTAssertEqual(Hex.encode(streamed), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(streamed, SHA256Hasher.digest(million))
    }

    func testACopyGoesOnOnItsOwn() {
        var first = SHA256Hasher()
        first.update(Array("ab".utf8))
        var second = first
        second.update(Array("c".utf8))
        let early = first.finalize()
        first.update(Array("x".utf8))
        XCTAssertEqual(Hex.encode(second.finalize()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(first.finalize(), SHA256Hasher.digest(Array("abx".utf8)))
        XCTAssertEqual(early, SHA256Hasher.digest(Array("ab".utf8)))
    }
}

private extension Array where Element == Int {
    /// The sizes repeated until they add up to at least `total` (at least one of them positive).
    func cycled(until total: Int) -> [Int] {
        var result: [Int] = []
        var sum = 0
        while sum < total {
            for size in self {
                result.append(size)
                sum += size
            }
        }
        return result
    }
}
