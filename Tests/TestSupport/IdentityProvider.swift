import Foundation
import IASRuntime

/// An identity provider for the tests that is not the platform's own code: `idp.py` beside
/// this file makes RSA-2048 and P-256 keys with `cryptography`, writes JWKS documents and
/// signs tokens with PyJWT (and, for hostile tokens, with `cryptography` and `hmac` directly).
/// Run with the Python of `IAS_TEST_PYTHON`, which `make test` installs and exports.
public final class TestIdentityProvider: @unchecked Sendable {
    /// Where the provider keeps its private keys (`<name>.pem`) and where tests put JWKS files.
    public let directory: URL
    private let python: String

    /// A provider with a fresh directory under the temporary folder. Throws when
    /// `IAS_TEST_PYTHON` is not set: these tests never skip silently.
    public init(name: String = "idp") throws {
        python = try TestEnvironment.python
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("ias-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The path of a file in the provider's directory.
    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// One request to `idp.py` (see its documentation): `keys` are made when missing, every
    /// entry of `jwks` is written (by rename), every entry of `tokens` is signed.
    public func run(keys: [String: String] = [:], jwks: [[String: Any]] = [], tokens: [[String: Any]] = []) throws -> Answer {
        let request: [String: Any] = ["dir": directory.path, "keys": keys, "jwks": jwks, "tokens": tokens]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(try TestJSON.bytes(request)))
        try input.fileHandleForWriting.close()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let problems = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = TestJSON.foundation(try JSONParser.parse(Array(answer))) as? [String: Any] else {
            throw ProviderError("idp.py failed (exit \(process.terminationStatus)): \(String(decoding: problems, as: UTF8.self).suffix(1500))")
        }
        return Answer(
            tokens: object["tokens"] as? [String] ?? [],
            jwk: object["jwk"] as? [String: [String: Any]] ?? [:],
            publicPEM: object["publicPEM"] as? [String: String] ?? [:])
    }

    public struct Answer {
        public let tokens: [String]
        /// The public JWK of every key named in the request.
        public let jwk: [String: [String: Any]]
        public let publicPEM: [String: String]
    }

    // MARK: Request entries

    /// A JWKS entry: the public JWK of `key`, with `members` added or replaced and `remove` left out.
    public static func jwk(_ key: String, _ members: [String: Any] = [:], remove: [String] = []) -> [String: Any] {
        ["key": key, "members": members, "remove": remove]
    }

    /// A JWKS entry written exactly as given.
    public static func rawJWK(_ members: [String: Any]) -> [String: Any] {
        ["raw": members]
    }

    /// A token signed by PyJWT with `key` and `algorithm`; `header` adds members (kid).
    public static func signed(_ key: String, _ algorithm: String, header: [String: Any] = [:], claims: [String: Any]) -> [String: Any] {
        ["key": key, "alg": algorithm, "header": header, "claims": claims]
    }

    /// A token whose header is exactly `header`, signed with `key`'s own algorithm (an ES256
    /// signature as DER when `der`).
    public static func raw(_ key: String, header: [String: Any], claims: [String: Any], der: Bool = false) -> [String: Any] {
        ["raw": key, "header": header, "claims": claims, "der": der]
    }

    /// An HS256 MAC under the public key of `key` as PEM (`pem`) or as JWK JSON.
    public static func hmacWithPublicKey(of key: String, pem: Bool, header: [String: Any], claims: [String: Any]) -> [String: Any] {
        ["hmac": pem ? ["publicPEMOf": key] : ["jwkOf": key], "header": header, "claims": claims]
    }

    /// An HS256 MAC under `secret`.
    public static func hmac(secret: String, header: [String: Any], claims: [String: Any]) -> [String: Any] {
        ["hmac": ["text": secret], "header": header, "claims": claims]
    }

    /// A token without signature.
    public static func unsigned(header: [String: Any], claims: [String: Any]) -> [String: Any] {
        ["none": true, "header": header, "claims": claims]
    }

    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("idp.py").path
}

public struct ProviderError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
