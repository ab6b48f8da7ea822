import TestSupport
import XCTest
import IASAuth
import IASTokenSigning
import IASRuntime

/// Property: no input, however broken, crashes the verifier or verifies, except the one
/// genuine token. Seeded, so that a failure can be replayed.
final class JWTFuzzTests: XCTestCase {
    private static let tokenAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ".utf8)

    func testRandomBytesNeverVerify() throws {
        let verifier = AuthFixtures.verifier(try AuthFixtures.keys())
        var generator = SeededGenerator(seed: 0xC0FFEE)
        for round in 0..<1_000 {
            let length = Int.random(in: 0...400, using: &generator)
            // Mostly token-like characters, so that the deeper stages are reached as well.
            let bytes: [UInt8] = (0..<length).map { _ in
                Bool.random(using: &generator)
                    ? Self.tokenAlphabet.randomElement(using: &generator)!
                    : UInt8.random(in: 0...255, using: &generator)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let header = round % 3 == 0 ? text : "Bearer " + text
            if case .success = verifier.verify(authorizationHeader: header) {
                XCTFail("random input \(round) verified: \(bytes)")
            }
        }
    }

    func testMutationsOfAValidTokenNeverVerify() throws {
        let keys = try AuthFixtures.keys()
        let verifier = AuthFixtures.verifier(keys)
        let token = Array(try JWTSigner(keys: keys).sign(
            subject: "user-17", organisation: "municipality:4001", roles: ["caseworker", "admin"], now: AuthFixtures.now).utf8)
        _ = try assertAccepted("Bearer " + String(decoding: token, as: UTF8.self), by: verifier)

        var generator = SeededGenerator(seed: 7515)
        var outcomes: [AuthenticationError: Int] = [:]
        var round = 0
        while round < 1_000 {
            let mutated = mutate(token, using: &generator)
            // A no-op, or blanks added around the token (which the header syntax allows), is
            // not a test case.
            guard trimmed(mutated) != token[...] else { continue }
            round += 1
            let header = "Bearer " + String(decoding: mutated, as: UTF8.self)
            switch verifier.verify(authorizationHeader: header) {
            case .success:
                XCTFail("mutation \(round) verified: \(String(decoding: mutated, as: UTF8.self))")
            case .failure(let error):
                outcomes[error, default: 0] += 1
            }
        }
        // The mutations reach the signature check, not only the parser.
        XCTAssertGreaterThan(outcomes[.badSignature] ?? 0, 100, "\(outcomes)")
        XCTAssertGreaterThan(outcomes[.malformed] ?? 0, 100, "\(outcomes)")
    }

    private func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            return []
        }
        return bytes[first...last]
    }

    private func mutate(_ token: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = token
        let steps = Int.random(in: 1...3, using: &generator)
        for _ in 0..<steps {
            let position = Int.random(in: 0..<max(bytes.count, 1), using: &generator)
            let replacement = Bool.random(using: &generator)
                ? Self.tokenAlphabet.randomElement(using: &generator)!
                : UInt8.random(in: 0...255, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[position] = replacement
            case 1: bytes.insert(replacement, at: min(position, bytes.count))
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes = Array(bytes.prefix(position))
            case 4: bytes = Array(bytes.dropFirst(position))
            case 5 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
            default:
                // Swap two segments or duplicate one.
                var segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map(Array.init)
                guard segments.count >= 2 else { continue }
                let a = Int.random(in: 0..<segments.count, using: &generator)
                let b = Int.random(in: 0..<segments.count, using: &generator)
                if Bool.random(using: &generator) { segments.swapAt(a, b) } else { segments[a] = segments[b] }
                bytes = Array(segments.joined(separator: [UInt8(ascii: ".")]))
            }
        }
        return bytes
    }
}
