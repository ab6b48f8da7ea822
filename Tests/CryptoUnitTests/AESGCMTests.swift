import Foundation
import IASCrypto
import IASRuntime
import XCTest

final class AESGCMTests: XCTestCase {
    struct Vector {
        let name, key, nonce, aad, plaintext, ciphertext, tag: String
    }

    /// McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 13 to 16
    /// (the 256-bit keys): empty, one zero block, four blocks, and a partial block with AAD.
    static let specification = [
        Vector(name: "test case 13", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12),
               aad: "", plaintext: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(name: "test case 14", key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12),
               aad: "", plaintext: String(repeating: "00", count: 16),
               ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(name: "test case 15", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
               nonce: "cafebabefacedbaddecaf888", aad: "",
               plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                   + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
               ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                   + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
               tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(name: "test case 16", key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
               nonce: "cafebabefacedbaddecaf888", aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
               plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                   + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
               ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                   + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
               tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    func testKnownAnswersOfTheGCMSpecification() throws {
        for vector in Self.specification {
            let key = try SymmetricKey(bytes: bytes(vector.key))
            let box = try AESGCM.seal(bytes(vector.plaintext), key: key, nonce: bytes(vector.nonce), aad: bytes(vector.aad))
            XCTAssertEqual(Hex.encode(box.ciphertext), vector.ciphertext, vector.name)
            XCTAssertEqual(Hex.encode(box.tag), vector.tag, vector.name)
            XCTAssertEqual(Hex.encode(box.serialized), vector.nonce + vector.ciphertext + vector.tag, "nonce ‖ ciphertext ‖ tag, \(vector.name)")

            let stored = try SealedBox(serialized: bytes(vector.nonce + vector.ciphertext + vector.tag))
            XCTAssertEqual(try AESGCM.open(stored, key: key, aad: bytes(vector.aad)), bytes(vector.plaintext), vector.name)
        }
    }

    /// Computed with Python's `cryptography` (AESGCM(key).encrypt(nonce, plaintext, aad)): a
    /// plaintext of 1000 bytes (a partial last block) and 13 bytes of AAD, which the published
    /// vectors do not cover.
    func testAgreesWithPythonCryptography() throws {
        let key = try SymmetricKey(bytes: (0..<32).map { UInt8($0) })
        let nonce = (100..<112).map { UInt8($0) }
        let aad = Array("case:4711-odd".utf8)
        let plaintext = (0..<1000).map { UInt8(($0 * 31 + 7) % 256) }
        let box = try AESGCM.seal(plaintext, key: key, nonce: nonce, aad: aad)
        XCTAssertEqual(Hex.encode(box.ciphertext.prefix(16)), "4f3d9b02fa4b977ec17c62b4a1ffd325")
        XCTAssertEqual(SHA256Hasher.hexDigest(box.ciphertext), "6fa22b4c565dc799d686ec0108d2469bc1bb415b599036a31614e40885dcb586")
        XCTAssertEqual(Hex.encode(box.tag), "5b15fe9534f1701df05f4bbe30da5611")
        XCTAssertEqual(try AESGCM.open(box, key: key, aad: aad), plaintext)

        let empty = try AESGCM.seal([UInt8](), key: key, nonce: nonce, aad: aad)
        XCTAssertEqual(Hex.encode(empty.tag), "8dcdb8aeee25f6775a6368c4b1abde4e", "AAD alone is authenticated")
    }

    func testSealsASliceOrDataInPlaceLikeTheSameBytesInAnArray() throws {
        let key = SymmetricKey.generate()
        let nonce = SecureRandom.bytes(12)
        let body = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let slice = body[1_000_001..<1_524_289]
        let fromSlice = try AESGCM.seal(slice, key: key, nonce: nonce, aad: [1])
        XCTAssertEqual(fromSlice, try AESGCM.seal(Array(slice), key: key, nonce: nonce, aad: [1]))
        XCTAssertEqual(fromSlice, try AESGCM.seal(Data(slice), key: key, nonce: nonce, aad: [1]))
        XCTAssertEqual(try AESGCM.open(fromSlice, key: key, aad: [1]), Array(slice))
    }

    func testDrawsAFreshNonceForEverySeal() throws {
        let key = SymmetricKey.generate()
        let first = try AESGCM.seal([1, 2, 3], key: key)
        let second = try AESGCM.seal([1, 2, 3], key: key)
        XCTAssertEqual(first.nonce.count, 12)
        XCTAssertNotEqual(first.nonce, second.nonce)
        XCTAssertNotEqual(first.ciphertext, second.ciphertext)
        XCTAssertEqual(try AESGCM.open(second, key: key), [1, 2, 3])
    }

    func testEveryAlterationFailsAuthentication() throws {
        let vector = Self.specification[3]
        let key = try SymmetricKey(bytes: bytes(vector.key))
        let aad = bytes(vector.aad)
        let sealed = try AESGCM.seal(bytes(vector.plaintext), key: key, aad: aad).serialized
        XCTAssertEqual(try AESGCM.open(SealedBox(serialized: sealed), key: key, aad: aad), bytes(vector.plaintext))

        for (position, part) in [(0, "nonce"), (11, "nonce"), (12, "ciphertext"), (40, "ciphertext"), (sealed.count - 16, "tag"), (sealed.count - 1, "tag")] {
            var altered = sealed
            altered[position] ^= 0x01
            XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(SealedBox(serialized: altered), key: key, aad: aad),
                            "\(part) byte \(position)")
        }
        let box = try SealedBox(serialized: sealed)
        var otherAAD = aad
        otherAAD[0] ^= 0x80
        XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(box, key: key, aad: otherAAD), "other AAD")
        XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(box, key: key, aad: []), "AAD left out")
        XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(box, key: key, aad: aad + [0]), "AAD extended")
        XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(box, key: SymmetricKey.generate(), aad: aad), "wrong key")
        XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(SealedBox(serialized: Array(sealed.dropLast(17)) + Array(sealed.suffix(16))), key: key, aad: aad),
                        "ciphertext shortened")
    }

    func testRefusesShortInputAndWrongLengths() throws {
        XCTAssertThrows(CryptoError.truncated(length: 27, minimum: 28), try SealedBox(serialized: [UInt8](repeating: 0, count: 27)))
        XCTAssertThrows(CryptoError.truncated(length: 0, minimum: 28), try SealedBox(serialized: []))
        // Long enough to parse (an empty ciphertext), but not authentic.
        let key = SymmetricKey.generate()
        XCTAssertThrows(CryptoError.authenticationFailed, try AESGCM.open(SealedBox(serialized: [UInt8](repeating: 0, count: 28)), key: key))

        XCTAssertThrows(CryptoError.invalidNonceLength(8), try AESGCM.seal([1], key: key, nonce: [UInt8](repeating: 0, count: 8)))
        XCTAssertThrows(CryptoError.invalidKeyLength(16), try SymmetricKey(bytes: [UInt8](repeating: 0, count: 16)))
        XCTAssertThrows(CryptoError.invalidKeyLength(33), try SymmetricKey(bytes: [UInt8](repeating: 0, count: 33)))
        XCTAssertTrue("\(CryptoError.authenticationFailed)".contains("authentication failed"))
    }
}
