import Foundation
import IASCrypto
import IASRuntime
import XCTest

final class MasterKeyRingTests: XCTestCase {
    private let first = [UInt8](repeating: 0x11, count: 32), second = [UInt8](repeating: 0x22, count: 32)
    private var firstText: String { Data(first).base64EncodedString() }
    private var secondText: String { Data(second).base64EncodedString() }
    private let variable = MasterKeyRing.inlineVariable

    func testTheFirstEntryIsActiveAndEveryEntryIsKept() throws {
        let ring = try MasterKeyRing.parse("k-2026.12:\(secondText),k_2026.06:\(firstText)")
        XCTAssertEqual(ring.activeKeyId, "k-2026.12")
        XCTAssertEqual(ring.keyIds, ["k-2026.12", "k_2026.06"])
        XCTAssertEqual(ring.activeKey, try SymmetricKey(bytes: second))
        XCTAssertEqual(ring.key(id: "k_2026.06"), try SymmetricKey(bytes: first))
        XCTAssertNil(ring.key(id: "other"))
    }

    func testNewlinesBlanksAndASingleEntryAreAccepted() throws {
        let ring = try MasterKeyRing.parse("\n  new : \(secondText)  \r\n\n old:\(firstText)\n")
        XCTAssertEqual(ring.keyIds, ["new", "old"])
        XCTAssertEqual(try MasterKeyRing.parse("only:\(firstText)").keyIds, ["only"])
    }

    func testRefusesWhatIsNotAKeyRing() {
        XCTAssertThrows(MasterKeyRingError.empty(source: variable), try MasterKeyRing.parse(""))
        XCTAssertThrows(MasterKeyRingError.empty(source: variable), try MasterKeyRing.parse(" ,\n , "))
        XCTAssertThrows(MasterKeyRingError.invalidBase64(source: variable, id: "k1"), try MasterKeyRing.parse("k1:not*base64!"))
        XCTAssertThrows(MasterKeyRingError.wrongKeyLength(source: variable, id: "k1", length: 16),
                        try MasterKeyRing.parse("k1:\(Data(repeating: 1, count: 16).base64EncodedString())"))
        XCTAssertThrows(MasterKeyRingError.wrongKeyLength(source: variable, id: "k1", length: 33),
                        try MasterKeyRing.parse("k1:\(Data(repeating: 1, count: 33).base64EncodedString())"))
        XCTAssertThrows(MasterKeyRingError.duplicateKeyId(source: variable, id: "k1"),
                        try MasterKeyRing.parse("k1:\(firstText),k1:\(secondText)"))
        XCTAssertThrows(MasterKeyRingError.malformedEntry(source: variable, position: 2), try MasterKeyRing.parse("k1:\(firstText),\(secondText)"))
        XCTAssertThrows(MasterKeyRingError.invalidKeyId(source: variable, position: 1, id: "a b"), try MasterKeyRing.parse("a b:\(firstText)"))
        XCTAssertThrows(MasterKeyRingError.invalidKeyId(source: variable, position: 1, id: ""), try MasterKeyRing.parse(":\(firstText)"))
        let long = String(repeating: "k", count: 65)
        XCTAssertThrows(MasterKeyRingError.invalidKeyId(source: variable, position: 1, id: long), try MasterKeyRing.parse("\(long):\(firstText)"))
        XCTAssertThrows(MasterKeyRingError.empty(source: "the master key ring"), try MasterKeyRing(keys: []))
        // An entry written the wrong way round must not print the key in the error.
        do { _ = try MasterKeyRing.parse("\(firstText):k1"); XCTFail("accepted key:id") } catch {
            XCTAssertFalse(String(describing: error).contains(firstText.prefix(20)), "\(error)")
        }
    }

    func testMessagesSayWhatToDoAndShowNoKey() throws {
        let wrongLength = "k1:\(Data(repeating: 7, count: 16).base64EncodedString())"
        do {
            _ = try MasterKeyRing.parse(wrongLength)
            XCTFail("a 16-byte key was accepted")
        } catch {
            let message = "\(error)"
            XCTAssertTrue(message.contains("IAS_DOCUMENT_MASTER_KEYS") && message.contains("\"k1\"") && message.contains("16 bytes"), message)
            XCTAssertTrue(message.contains("openssl rand -base64 32"), message)
            XCTAssertFalse(message.contains(Data(repeating: 7, count: 16).base64EncodedString()), "the key is not in the message")
        }
        let ring = try MasterKeyRing.parse("k1:\(firstText)")
        XCTAssertEqual("\(ring)", "MasterKeyRing(active: k1, keys: k1)")
        var dumped = ""
        dump(ring, to: &dumped)
        XCTAssertFalse(dumped.contains("17"), dumped)  // 0x11
    }

    // MARK: the environment, through a ConfigurationReader over a dictionary

    private func load(_ environment: [String: String]) -> (MasterKeyRing?, [String]) {
        let reader = ConfigurationReader(environment: environment)
        let ring = MasterKeyRing.load(
            inline: reader.string("IAS_DOCUMENT_MASTER_KEYS", default: ""),
            file: reader.string("IAS_DOCUMENT_MASTER_KEYS_FILE", default: ""), reportingTo: reader)
        return (ring, reader.problems)
    }

    func testExactlyOneOfTheVariablesMustBeSet() throws {
        let (none, noneProblems) = load([:])
        XCTAssertNil(none)
        XCTAssertEqual(noneProblems.count, 1)
        XCTAssertTrue(noneProblems[0].hasPrefix("neither IAS_DOCUMENT_MASTER_KEYS nor IAS_DOCUMENT_MASTER_KEYS_FILE is set"), noneProblems[0])
        XCTAssertTrue(noneProblems[0].contains("openssl rand -base64 32"), noneProblems[0])

        let path = try temporaryFile("k1:\(firstText)\n")
        let (both, bothProblems) = load(["IAS_DOCUMENT_MASTER_KEYS": "k1:\(firstText)", "IAS_DOCUMENT_MASTER_KEYS_FILE": path])
        XCTAssertNil(both)
        XCTAssertEqual(bothProblems, [MasterKeyRingError.bothSet(.documents).description])
        XCTAssertThrows(MasterKeyRingError.bothSet(.documents), try MasterKeyRing.load(inline: "k1:\(firstText)", file: path))
        XCTAssertThrows(MasterKeyRingError.neitherSet(.documents), try MasterKeyRing.load(inline: "", file: ""))

        let (inline, inlineProblems) = load(["IAS_DOCUMENT_MASTER_KEYS": "k2:\(secondText),k1:\(firstText)"])
        XCTAssertEqual(inlineProblems, [])
        XCTAssertEqual(inline?.keyIds, ["k2", "k1"])
    }

    func testReadsAMountedFile() throws {
        let path = try temporaryFile("k2:\(secondText)\nk1:\(firstText)\n")
        let (ring, problems) = load(["IAS_DOCUMENT_MASTER_KEYS_FILE": path])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(ring?.activeKeyId, "k2")
        XCTAssertEqual(ring?.key(id: "k1"), try SymmetricKey(bytes: first))

        let bad = try temporaryFile("k1:\(firstText)\nk1:\(secondText)\n")
        XCTAssertThrows(MasterKeyRingError.duplicateKeyId(source: "IAS_DOCUMENT_MASTER_KEYS_FILE (\(bad))", id: "k1"),
                        try MasterKeyRing.load(inline: "", file: bad))

        let missing = NSTemporaryDirectory() + "/no-such-master-keys-\(UUID().uuidString)"
        let (none, missingProblems) = load(["IAS_DOCUMENT_MASTER_KEYS_FILE": missing])
        XCTAssertNil(none)
        XCTAssertEqual(missingProblems.count, 1)
        XCTAssertTrue(missingProblems[0].hasPrefix("IAS_DOCUMENT_MASTER_KEYS_FILE=\(missing) cannot be read"), missingProblems[0])
    }

    private func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("master-keys-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}
