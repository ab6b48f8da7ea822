import IASCrypto
import XCTest

final class KeyWrappingTests: XCTestCase {
    private let old = SymmetricKey.generate(), new = SymmetricKey.generate()
    private let caseA = "case:6b1f6d3e-3d0c-4a53-9d55-0c1f0b7f2a11", caseB = "case:9a2c8e71-55d4-4f0e-8b0a-3e6d2f1c7b42"

    private func makeRing(_ entries: (String, SymmetricKey)...) throws -> MasterKeyRing {
        try MasterKeyRing(keys: entries.map { (id: $0.0, key: $0.1) })
    }

    func testRoundTripUnderTheActiveKey() throws {
        let ring = try makeRing(("new", new), ("old", old))
        let caseKey = SymmetricKey.generate()
        let wrapped = try KeyWrapping.wrap(caseKey: caseKey, context: caseA, with: ring)
        XCTAssertEqual(wrapped.masterKeyId, "new")
        XCTAssertEqual(wrapped.sealed.serialized.count, 60)
        XCTAssertEqual(try KeyWrapping.unwrap(wrapped, context: caseA, with: ring), caseKey)
        XCTAssertNotEqual(try KeyWrapping.wrap(caseKey: caseKey, context: caseA, with: ring), wrapped, "a fresh nonce each time")

        // As stored and read back; the AAD is the label and the context (the stored format).
        let stored = try WrappedKey(masterKeyId: wrapped.masterKeyId, sealed: wrapped.sealed.serialized)
        XCTAssertEqual(try KeyWrapping.unwrap(stored, context: caseA, with: ring), caseKey)
        let opened = try AESGCM.open(wrapped.sealed, key: new, aad: Array("ias.case-key.v1|\(caseA)".utf8))
        XCTAssertEqual(try SymmetricKey(bytes: opened), caseKey)
    }

    func testAWrappedKeyDoesNotUnwrapForAnotherCaseOrWhenAltered() throws {
        let ring = try makeRing(("k1", old))
        let wrapped = try KeyWrapping.wrap(caseKey: SymmetricKey.generate(), context: caseA, with: ring)
        XCTAssertThrows(CryptoError.authenticationFailed, try KeyWrapping.unwrap(wrapped, context: caseB, with: ring))

        var altered = wrapped.sealed.serialized
        altered[20] ^= 0x04
        XCTAssertThrows(CryptoError.authenticationFailed,
                        try KeyWrapping.unwrap(WrappedKey(masterKeyId: "k1", sealed: altered), context: caseA, with: ring))
        // Same id, other key material: as good as altered.
        XCTAssertThrows(CryptoError.authenticationFailed, try KeyWrapping.unwrap(wrapped, context: caseA, with: makeRing(("k1", new))))
    }

    func testUnknownMasterKeyIsNamed() throws {
        let wrapped = try KeyWrapping.wrap(caseKey: SymmetricKey.generate(), context: caseA, with: makeRing(("retired", old)))
        let current = try makeRing(("k2", new), ("k1", SymmetricKey.generate()))
        XCTAssertThrows(CryptoError.unknownMasterKey(id: "retired", known: ["k2", "k1"]), try KeyWrapping.unwrap(wrapped, context: caseA, with: current))
        XCTAssertTrue(CryptoError.unknownMasterKey(id: "retired", known: ["k2", "k1"]).description.contains("\"retired\""))
    }

    func testRotation() throws {
        let caseKey = SymmetricKey.generate()
        let before = try makeRing(("2026-06", old))
        let wrapped = try KeyWrapping.wrap(caseKey: caseKey, context: caseA, with: before)
        XCTAssertEqual(wrapped.masterKeyId, "2026-06")

        // The new key is listed first: new wrappings use it, the old one still unwraps.
        let rotated = try makeRing(("2026-12", new), ("2026-06", old))
        XCTAssertEqual(try KeyWrapping.unwrap(wrapped, context: caseA, with: rotated), caseKey)
        let rewrapped = try KeyWrapping.rewrap(wrapped, context: caseA, with: rotated)
        XCTAssertEqual(rewrapped.masterKeyId, "2026-12")
        XCTAssertEqual(try KeyWrapping.unwrap(rewrapped, context: caseA, with: rotated), caseKey)

        // Once everything is re-wrapped the old key can go.
        let after = try makeRing(("2026-12", new))
        XCTAssertEqual(try KeyWrapping.unwrap(rewrapped, context: caseA, with: after), caseKey)
        XCTAssertThrows(CryptoError.unknownMasterKey(id: "2026-06", known: ["2026-12"]), try KeyWrapping.unwrap(wrapped, context: caseA, with: after))
        XCTAssertThrows(CryptoError.authenticationFailed, try KeyWrapping.rewrap(wrapped, context: caseB, with: rotated))
    }

    func testStoredFormIsChecked() {
        XCTAssertThrows(CryptoError.invalidWrappedKey("59 sealed bytes; a wrapped key has 60"),
                        try WrappedKey(masterKeyId: "k1", sealed: [UInt8](repeating: 0, count: 59)))
        XCTAssertThrowsError(try WrappedKey(masterKeyId: "k 1", sealed: [UInt8](repeating: 0, count: 60)))
        XCTAssertThrowsError(try WrappedKey(masterKeyId: "", sealed: [UInt8](repeating: 0, count: 60)))
    }
}
