import Foundation
import IASAuth
import TestSupport
import XCTest

/// Reading a JWK Set: which keys are used, which are passed over and why, and that one
/// unusable key never spoils the others.
final class JSONWebKeySetTests: XCTestCase {
    private typealias IdP = TestIdentityProvider
    private var fixture: IdentityProviderFixture!

    override func setUpWithError() throws {
        fixture = try IdentityProviderFixture.shared()
    }

    private func write(_ entries: [[String: Any]], keys: [String: String] = IdentityProviderFixture.keyKinds) throws -> JSONWebKeySet {
        let path = fixture.provider.path("set-\(UUID().uuidString.prefix(8)).json")
        _ = try fixture.provider.run(keys: keys, jwks: [["path": path, "keys": entries]])
        return try fixture.keySet(at: path)
    }

    private func parse(_ json: String) -> String? {
        do {
            _ = try JSONWebKeySet.parse(Array(json.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    func testAlgorithmFollowsTheKeyType() throws {
        let set = try write([IdP.jwk("rsa-a", ["kid": "r"], remove: ["key_ops"]), IdP.jwk("ec-a", ["kid": "e"])])
        XCTAssertEqual(set.keys.map(\.keyId), ["r", "e"])
        XCTAssertEqual(set.keys.map(\.algorithm), [.rs256, .es256])
        XCTAssertEqual(set.keys.map(\.bits), [2048, 256])
        XCTAssertTrue(set.refused.isEmpty && set.ignored.isEmpty, "\(set.refused) \(set.ignored)")
    }

    /// What identity providers publish beside their signing keys (Keycloak: an RSA-OAEP
    /// encryption key) is passed over quietly; the signing keys stay usable.
    func testEncryptionKeysAreIgnored() throws {
        let set = try write([
            IdP.jwk("rsa-b", ["kid": "enc-1", "use": "enc", "alg": "RSA-OAEP"]),
            IdP.jwk("rsa-a", ["kid": "sig-1", "use": "sig", "alg": "RS256"]),
            IdP.jwk("ec-b", ["kid": "enc-2", "key_ops": ["encrypt", "wrapKey"]]),
        ])
        XCTAssertEqual(set.keys.map(\.keyId), ["sig-1"])
        XCTAssertEqual(set.ignored.count, 2, "\(set.ignored)")
        XCTAssertTrue(set.refused.isEmpty, "\(set.refused)")
    }

    /// Keys meant for signatures that cannot be used here are refused with a reason each; the
    /// usable ones remain.
    func testUnusableSigningKeysAreRefusedOneByOne() throws {
        let set = try write([
            IdP.jwk("rsa-short", ["kid": "short"]),
            IdP.jwk("rsa-b", ["kid": "rs512", "alg": "RS512"]),
            IdP.jwk("rsa-b", ["kid": "oaep", "alg": "RSA-OAEP"]),
            IdP.jwk("ec-b", ["kid": "es384", "alg": "ES384"]),
            IdP.rawJWK(["kid": "okp", "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"]),
            IdP.rawJWK(["kid": "p384", "kty": "EC", "crv": "P-384", "x": "AAAA", "y": "AAAA"]),
            IdP.rawJWK(["kid": "hmac", "kty": "oct", "k": "c2VjcmV0LXZhbHVlLW9mLXRoZS1wcm92aWRlcg"]),
            IdP.rawJWK(["kid": "bad-point", "kty": "EC", "crv": "P-256",
                        "x": Base64URL.encode([UInt8](repeating: 1, count: 32)), "y": Base64URL.encode([UInt8](repeating: 2, count: 32))]),
            IdP.rawJWK(["kid": "padded", "kty": "RSA", "n": "AQAB==", "e": "AQAB"]),
            IdP.rawJWK(["kid": 7, "kty": "RSA"]),
            IdP.jwk("rsa-a", ["kid": "good"]),
            IdP.jwk("ec-a", ["kid": "good-ec"]),
        ], keys: IdentityProviderFixture.keyKinds.merging(["rsa-short": "RSA-1024"]) { $1 })
        XCTAssertEqual(set.keys.map(\.keyId), ["good", "good-ec"])
        XCTAssertEqual(set.refused.count, 10, set.refused.joined(separator: "\n"))
        let all = set.refused.joined(separator: "\n")
        for expected in ["1024 bits; at least 2048", "RS512", "RSA-OAEP", "ES384", "OKP", "P-384", "private key material",
                         "not a valid public key", "base64url", "kid that is not"] {
            XCTAssertTrue(all.contains(expected), "no reason mentions \(expected):\n\(all)")
        }
        // The symmetric key's value is not repeated.
        XCTAssertFalse(all.contains("c2VjcmV0"), all)
    }

    func testPrivateRSAKeyIsRefused() throws {
        let published = try fixture.provider.run(keys: IdentityProviderFixture.keyKinds).jwk["rsa-a"] ?? [:]
        var leaked = published
        leaked["kid"] = "leaked"
        leaked["d"] = "AQAB"
        let set = try write([IdP.rawJWK(leaked), IdP.jwk("ec-a", ["kid": "e"])])
        XCTAssertEqual(set.keys.map(\.keyId), ["e"])
        XCTAssertTrue(set.refused[0].contains("private key material"), set.refused[0])
    }

    /// The first key of a kid is used; a later one under the same kid is refused.
    func testDuplicateKidKeepsTheFirst() throws {
        let set = try write([IdP.jwk("rsa-a", ["kid": "same"]), IdP.jwk("ec-a", ["kid": "same"])])
        XCTAssertEqual(set.keys.count, 1)
        XCTAssertEqual(set.key(forKeyId: "same")?.algorithm, .rs256)
        XCTAssertEqual(set.refused.count, 1)
    }

    func testKeySelection() throws {
        let two = try write([IdP.jwk("rsa-a", ["kid": "a"]), IdP.jwk("ec-a")])
        XCTAssertEqual(two.key(forKeyId: "a")?.algorithm, .rs256)
        XCTAssertNil(two.key(forKeyId: nil), "two keys: a token without kid selects none")
        XCTAssertNil(two.key(forKeyId: "b"))
        let one = try write([IdP.jwk("ec-a")])
        XCTAssertEqual(one.key(forKeyId: nil)?.algorithm, .es256)
        XCTAssertNil(one.key(forKeyId: "ec-1"), "a kid the key does not have selects nothing")
    }

    func testDocumentsWithoutUsableKeysAreRefusedWithTheReason() {
        let cases: [(String, String)] = [
            ("", "not JSON"),
            ("{\"keys\": [", "not JSON"),
            ("[]", "\"keys\" array"),
            ("{\"keys\": {}}", "\"keys\" array"),
            ("{\"keys\": []}", "no usable signing key"),
            (#"{"keys": [{"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}]}"#, "use \"enc\""),
            (#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#, "private key material"),
            (#"{"keys": ["rsa"]}"#, "not a JSON object"),
        ]
        for (document, expected) in cases {
            let message = parse(document)
            XCTAssertTrue(message?.contains(expected) ?? false, "\(document): \(message ?? "accepted")")
        }
        XCTAssertNotNil(parse(String(repeating: " ", count: JSONWebKeySet.maximumDocumentBytes + 1)))
    }

    func testDescriptionNamesKeysNotNumbers() throws {
        let set = try write([IdP.jwk("rsa-a", ["kid": "a"])])
        let modulus = try XCTUnwrap(fixture.provider.run(keys: IdentityProviderFixture.keyKinds).jwk["rsa-a"]?["n"] as? String)
        XCTAssertEqual(set.description, "JSONWebKeySet(\"a\" RS256 2048 bits)")
        XCTAssertFalse(String(reflecting: set).contains(String(modulus.prefix(16))))
    }
}
