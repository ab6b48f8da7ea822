import Foundation
import IASAuth
import IASRuntime
import TestSupport
import XCTest

/// The JWKS file is read again when it changes on disk: a new key is accepted and a removed
/// one refused without a restart, and a rewrite that cannot be used keeps the last good keys.
final class JWKSFileTests: XCTestCase {
    private typealias IdP = TestIdentityProvider
    private var fixture: IdentityProviderFixture!
    private var path = ""

    override func setUpWithError() throws {
        fixture = try IdentityProviderFixture.shared()
        path = fixture.provider.path("rotating-\(UUID().uuidString.prefix(8)).json")
        try publish([IdP.jwk("rsa-a", ["kid": "2026-a"])])
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Written by the provider, replaced by rename (as a ConfigMap update or a careful cron job).
    private func publish(_ entries: [[String: Any]]) throws {
        _ = try fixture.provider.run(keys: IdentityProviderFixture.keyKinds, jwks: [["path": path, "keys": entries]])
    }

    /// Written in place, as a careless writer (or one caught half-way) leaves it.
    private func overwrite(_ text: String) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    private func file(checkInterval: Double = 0, notices: Locked<[JWKSFile.Notice]>) throws -> JWKSFile {
        JWKSFile(path: path, initial: try JWKSFile.load(path: path), checkInterval: checkInterval) { notice in
            notices.withLock { $0.append(notice) }
        }
    }

    private func failures(_ notices: Locked<[JWKSFile.Notice]>) -> [String] {
        notices.current.compactMap { if case .reloadFailed(let reason) = $0 { return reason } else { return nil } }
    }

    private let claims = IdentityProviderFixture.claims()

    func testReplacedFileIsUsedWithoutRestart() throws {
        let notices = Locked<[JWKSFile.Notice]>([])
        let verifier = try fixture.verifier(keys: try file(notices: notices))
        let tokens = try fixture.tokens([
            IdP.signed("rsa-a", "RS256", header: ["kid": "2026-a"], claims: claims),
            IdP.signed("ec-a", "ES256", header: ["kid": "2026-b"], claims: claims),
        ])
        _ = try assertAccepted(tokens[0], by: verifier)
        assertRejected(tokens[1], by: verifier, as: .unknownKey)

        // Rotation: the new key is added beside the old one...
        try publish([IdP.jwk("rsa-a", ["kid": "2026-a"]), IdP.jwk("ec-a", ["kid": "2026-b"])])
        _ = try assertAccepted(tokens[1], by: verifier)
        _ = try assertAccepted(tokens[0], by: verifier)
        // ...and the old one removed.
        try publish([IdP.jwk("ec-a", ["kid": "2026-b"])])
        _ = try assertAccepted(tokens[1], by: verifier)
        assertRejected(tokens[0], by: verifier, as: .unknownKey)
        XCTAssertTrue(failures(notices).isEmpty)
        XCTAssertEqual(notices.current.count, 2, "one notice per new version")
    }

    func testBrokenRewriteKeepsTheLastGoodKeysAndWarnsOnce() throws {
        let notices = Locked<[JWKSFile.Notice]>([])
        let verifier = try fixture.verifier(keys: try file(notices: notices))
        let tokens = try fixture.tokens([
            IdP.signed("rsa-a", "RS256", header: ["kid": "2026-a"], claims: claims),
            IdP.signed("ec-a", "ES256", header: ["kid": "2026-b"], claims: claims),
        ])
        let complete = try String(contentsOfFile: path, encoding: .utf8)

        // Half-written: the last good keys stay, one warning however often it is looked at.
        try overwrite(String(complete.prefix(complete.count / 2)))
        for _ in 0..<5 { _ = try assertAccepted(tokens[0], by: verifier) }
        XCTAssertEqual(failures(notices).count, 1, "\(failures(notices))")
        XCTAssertTrue(failures(notices)[0].contains("not JSON"), failures(notices)[0])

        // Another bad version: valid JSON without a usable key. One more warning.
        try overwrite(#"{"keys": [{"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}]}"#)
        for _ in 0..<3 { _ = try assertAccepted(tokens[0], by: verifier) }
        XCTAssertEqual(failures(notices).count, 2)

        // Gone for a moment (a writer that deletes first): still the last good keys.
        try FileManager.default.removeItem(atPath: path)
        _ = try assertAccepted(tokens[0], by: verifier)
        XCTAssertEqual(failures(notices).count, 3)

        // The writer finishes: the new version is used.
        try publish([IdP.jwk("ec-a", ["kid": "2026-b"])])
        _ = try assertAccepted(tokens[1], by: verifier)
        assertRejected(tokens[0], by: verifier, as: .unknownKey)
        XCTAssertEqual(failures(notices).count, 3)
    }

    /// The request path looks at the file at most once per interval.
    func testFileIsLookedAtAtMostOncePerInterval() throws {
        let notices = Locked<[JWKSFile.Notice]>([])
        let verifier = try fixture.verifier(keys: try file(checkInterval: 3600, notices: notices))
        let token = try fixture.token(IdP.signed("ec-a", "ES256", header: ["kid": "2026-b"], claims: claims))
        try publish([IdP.jwk("ec-a", ["kid": "2026-b"])])
        assertRejected(token, by: verifier, as: .unknownKey)
        XCTAssertTrue(notices.current.isEmpty)

        let soon = try file(checkInterval: 0.2, notices: notices)
        try publish([IdP.jwk("rsa-a", ["kid": "2026-a"])])
        let early = try fixture.verifier(keys: soon)
        assertRejected(token, by: early, as: .unknownKey)
        try publish([IdP.jwk("ec-a", ["kid": "2026-b"])])
        Thread.sleep(forTimeInterval: 0.3)
        _ = try assertAccepted(token, by: early)
    }

    /// At start, a file that cannot be used is an error naming why.
    func testUnusableFileAtStartIsAnError() throws {
        let cases: [(String?, String)] = [
            (nil, "cannot open"),
            ("{\"keys\": [", "not JSON"),
            ("{\"keys\": []}", "no usable signing key"),
        ]
        for (content, expected) in cases {
            try? FileManager.default.removeItem(atPath: path)
            if let content { try Data(content.utf8).write(to: URL(fileURLWithPath: path)) }
            do {
                _ = try JWKSFile.load(path: path)
                XCTFail("\(content ?? "no file") was accepted")
            } catch {
                XCTAssertTrue(error.description.contains(expected), error.description)
            }
        }
        XCTAssertThrowsError(try JWKSFile.load(path: fixture.provider.directory.path))
    }
}
