import Foundation
import IASHTTPClient
import TestSupport
import XCTest

/// Well-framed requests with hostile content against running services: invalid UTF-8 in
/// the body, path, query and header values, numbers beyond any range, huge strings and NUL
/// characters, and malformed request lines. Each is a 400 problem that names the part or the
/// field and the reason, and nothing is stored.
final class HostileInputContentTests: StackTestCase {
    let canton = TestEnvironment.token(org: "canton:KSD")

    override class func startStack() -> TestStack { .running(["intake", "costs"], warmUp: false) }

    private var intake: Int { Self.stack["intake"].port }
    private var costs: Int { Self.stack["costs"].port }

    /// The problem document, after checking status and media type.
    @discardableResult
    private func assertProblem(_ response: HTTPClientResponse, _ status: Int, _ label: String = "",
                               file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        XCTAssertEqual(response.status, status, "\(label): \(response.text.prefix(400))", file: file, line: line)
        XCTAssertEqual(response.headers["content-type"]?.hasPrefix("application/problem+json"), true, label, file: file, line: line)
        let json = (try? response.object()) ?? [:]
        XCTAssertEqual(json["status"] as? Int, status, label, file: file, line: line)
        return json
    }

    /// The first entry of `errors`, as (field, message).
    private func firstError(_ problem: [String: Any]) -> (field: String, message: String)? {
        guard let first = (problem["errors"] as? [[String: Any]])?.first,
              let field = first["field"] as? String, let message = first["message"] as? String else { return nil }
        return (field, message)
    }

    /// A registration body whose givenName holds exactly `raw` between its quotes.
    private func person(familyName: String, givenNameRaw raw: [UInt8]) throws -> [UInt8] {
        let placeholder = "GIVEN-NAME-PLACEHOLDER"
        let bytes = try TestJSON.bytes(NewPerson.sample(givenName: placeholder, familyName: familyName))
        let marker = Array(placeholder.utf8)
        guard let start = (0...(bytes.count - marker.count)).first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker }) else {
            throw TestFailure("placeholder not found")
        }
        return Array(bytes[..<start]) + raw + Array(bytes[(start + marker.count)...])
    }

    private func register(_ body: [UInt8], headers: [String: String] = [:]) throws -> HTTPClientResponse {
        try HTTPClient.connected(port: intake).request("POST", "/persons", headers: [
            "Authorization": "Bearer \(canton)", "Content-Type": "application/json",
        ].merging(headers) { $1 }, body: body)
    }

    /// Nobody with this family name was registered.
    private func assertNothingStored(familyName: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let found = try HTTPClient.connected(port: intake).json("GET", "/persons?familyName=\(familyName)", token: canton)
        XCTAssertEqual(found.status, 200, found.text, file: file, line: line)
        XCTAssertEqual((try found.object()["items"] as? [Any])?.count, 0, "a person was stored: \(found.text.prefix(300))", file: file, line: line)
    }

    private func uniqueFamilyName() -> String { "Hostile-\(UUID().uuidString.prefix(8))" }

    // MARK: Invalid UTF-8

    func testInvalidUTF8InTheBodyIsNamedAndNothingIsStored() throws {
        let familyName = uniqueFamilyName()
        let cases: [(String, [UInt8], String)] = [
            ("overlong '/'", [0xC0, 0xAF], "overlong"),
            ("overlong NUL", [0xC0, 0x80], "overlong"),
            ("CESU-8 surrogate", [0xED, 0xA0, 0x80], "surrogate"),
            ("CESU-8 pair", [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80], "surrogate"),
            ("truncated", [0x41, 0xE2, 0x82], "truncated"),
            ("truncated at the end", [0xF0, 0x9F], "truncated"),
            ("0xFF", [0x41, 0xFF, 0x42], "never occurs"),
            ("lone continuation", [0x80], "continuation"),
        ]
        for (label, raw, reason) in cases {
            let problem = assertProblem(try register(try person(familyName: familyName, givenNameRaw: raw)), 400, label)
            XCTAssertEqual(problem["type"] as? String, "https://ias.example.ch/problems/invalid-json", label)
            XCTAssertEqual(firstError(problem)?.field, "givenName", label)
            XCTAssertTrue(firstError(problem)?.message.contains(reason) ?? false, "\(label): \(problem)")
            XCTAssertTrue((problem["detail"] as? String)?.contains("UTF-8") ?? false, label)
        }
        // Escaped, the same mistakes are still refused: lone surrogates and NUL.
        for escape in [#"\ud800"#, #"Amina\udc00"#, #"\ud83d\u0041"#] {
            let problem = assertProblem(try register(try person(familyName: familyName, givenNameRaw: Array(escape.utf8))), 400, escape)
            XCTAssertEqual(firstError(problem)?.field, "givenName", escape)
            XCTAssertTrue(firstError(problem)?.message.contains("unpaired surrogate") ?? false, "\(escape): \(problem)")
        }
        try assertNothingStored(familyName: familyName)

        // The same body with valid UTF-8 is accepted, so each refusal was for the bytes alone.
        let valid = try register(try person(familyName: uniqueFamilyName(), givenNameRaw: Array("Zoë 😀".utf8)))
        XCTAssertEqual(valid.status, 201, valid.text)
    }

    func testInvalidUTF8InThePathAndQueryNamesThePart() throws {
        func get(_ target: [UInt8]) throws -> HTTPClientResponse {
            let client = try HTTPClient.connected(port: intake)
            try client.send(raw: Array("GET ".utf8) + target + Array(" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(canton)\r\n\r\n".utf8))
            return try client.readResponse()
        }
        for path in ["/persons/%C3%28", "/persons/%FF", "/persons/%C0%AF", "/persons/%ED%A0%80", "/persons/%E2%82"] {
            let problem = assertProblem(try get(Array(path.utf8)), 400, path)
            XCTAssertTrue((problem["detail"] as? String)?.contains("path is not valid UTF-8") ?? false, "\(path): \(problem)")
        }
        // Raw bytes above 0x7F are refused at the request line, before any decoding.
        for raw: [UInt8] in [[0xC3, 0x28], [0xFF], [0xC3, 0xA9]] {
            let problem = assertProblem(try get(Array("/persons/".utf8) + raw), 400, "\(raw)")
            XCTAssertTrue((problem["detail"] as? String)?.contains("not ASCII") ?? false, "\(raw): \(problem)")
        }
        for (query, field) in [("familyName=%C3%28", "familyName"), ("zemisNumber=%FF%FE", "zemisNumber"), ("responsibleOrg=a%ED%A0%80", "responsibleOrg")] {
            let problem = assertProblem(try get(Array("/persons?\(query)".utf8)), 400, query)
            XCTAssertEqual(firstError(problem)?.field, field, query)
            XCTAssertEqual(firstError(problem)?.message, "is not valid UTF-8 once percent-decoded", query)
        }
        let name = assertProblem(try get(Array("/persons?%C3%28=1".utf8)), 400)
        XCTAssertTrue((name["detail"] as? String)?.contains("query string has a parameter name") ?? false, "\(name)")
        let raw = assertProblem(try get(Array("/persons?familyName=".utf8) + [0xFF]), 400)
        XCTAssertTrue((raw["detail"] as? String)?.contains("not ASCII") ?? false, "\(raw)")
    }

    func testInvalidUTF8InAHeaderValueNamesTheHeaderAndNothingIsStored() throws {
        let familyName = uniqueFamilyName()
        let body = try person(familyName: familyName, givenNameRaw: Array("Amina".utf8))
        for (header, value) in [("X-Request-Id", [UInt8]([0x61, 0xFF, 0x62])), ("Idempotency-Key", [0xC0, 0xAF]),
                                ("Authorization", Array("Bearer ".utf8) + [0xED, 0xA0, 0x80]), ("X-Note", [0xE2, 0x82])] {
            let client = try HTTPClient.connected(port: intake)
            var head = Array("POST /persons HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n".utf8)
            if header != "Authorization" { head += Array("Authorization: Bearer \(canton)\r\n".utf8) }
            head += Array("\(header): ".utf8) + value + Array("\r\n\r\n".utf8)
            try client.send(raw: head + body)
            let problem = assertProblem(try client.readResponse(), 400, header)
            XCTAssertEqual(firstError(problem)?.field, header)
            XCTAssertEqual(firstError(problem)?.message, "is not valid UTF-8 text")
            XCTAssertTrue(client.waitForClose(timeout: 5), "\(header): the connection stayed open after a rejected head")
        }
        try assertNothingStored(familyName: familyName)
    }

    // MARK: Huge numbers and strings, NUL

    func testHugeNumbersInAWholeNumberFieldAreNamed() throws {
        func approval(_ amount: String) throws -> HTTPClientResponse {
            let body = #"{"caseId":"\#(UUID().uuidString.lowercased())","measureId":"\#(UUID().uuidString.lowercased())","amountRappen":\#(amount),"justification":"Kurs"}"#
            return try HTTPClient.connected(port: costs).request("POST", "/cost-approvals", headers: [
                "Authorization": "Bearer \(canton)", "Content-Type": "application/json",
            ], body: Array(body.utf8))
        }
        let expectations: [(String, String)] = [
            ("1e400", "is a number too large to be represented"),
            ("-1e400", "is a number too large to be represented"),
            ("1" + String(repeating: "0", count: 5000), "is a number too large to be represented"),
            ("123456789012345678901234567890", "must be a whole number within the allowed range"),
            ("-123456789012345678901234567890", "must be a whole number within the allowed range"),
            ("9223372036854775808", "must be a whole number within the allowed range"),
            ("1e-400", "is a number too close to zero to be represented"),
            ("100.5", "must be a whole number within the allowed range"),
        ]
        for (amount, message) in expectations {
            let problem = assertProblem(try approval(amount), 400, String(amount.prefix(40)))
            XCTAssertEqual(firstError(problem)?.field, "amountRappen", String(amount.prefix(40)))
            XCTAssertEqual(firstError(problem)?.message, message, String(amount.prefix(40)))
        }
        for token in ["NaN", "Infinity", "-Infinity", "+5", "0x10", "1e", "1_000"] {
            let problem = assertProblem(try approval(token), 400, token)
            XCTAssertEqual(problem["type"] as? String, "https://ias.example.ch/problems/invalid-json", token)
            XCTAssertEqual(firstError(problem)?.field, "amountRappen", token)
        }
    }

    func testHugeStringsAndNULAreRefusedCleanly() throws {
        let familyName = uniqueFamilyName()
        // 900 KB of name within the 1 MiB body limit: refused by the field's own limit, quickly.
        let started = Date()
        let huge = assertProblem(try register(try person(familyName: familyName, givenNameRaw: Array(repeating: UInt8(ascii: "a"), count: 900_000))), 400)
        XCTAssertEqual(firstError(huge)?.field, "givenName")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        // The same in multi-byte characters (1.8 MB would exceed the body limit: 450 000 of them).
        let wide = assertProblem(try register(try person(familyName: familyName, givenNameRaw: Array(String(repeating: "ü", count: 450_000).utf8))), 400)
        XCTAssertEqual(firstError(wide)?.field, "givenName")

        // PostgreSQL text cannot hold NUL, and parameters travel as C strings that it would
        // cut short: it must be refused before any handler sees it, in every text field.
        for raw in [#"Ami\u0000na"#, #"\u0000"#] {
            let problem = assertProblem(try register(try person(familyName: familyName, givenNameRaw: Array(raw.utf8))), 400, raw)
            XCTAssertEqual(firstError(problem)?.field, "givenName")
            XCTAssertEqual(firstError(problem)?.message, "must not contain the NUL character (\\u0000)")
        }
        let justification = #"{"caseId":"\#(UUID().uuidString.lowercased())","measureId":"\#(UUID().uuidString.lowercased())","amountRappen":5000,"justification":"Kurs\u0000; DROP TABLE cost_approvals"}"#
        let nul = assertProblem(try HTTPClient.connected(port: costs).request("POST", "/cost-approvals", headers: [
            "Authorization": "Bearer \(canton)", "Content-Type": "application/json",
        ], body: Array(justification.utf8)), 400)
        XCTAssertEqual(firstError(nul)?.field, "justification")
        XCTAssertEqual(firstError(nul)?.message, "must not contain the NUL character (\\u0000)")
        // A raw NUL byte in a string is invalid JSON to begin with.
        let rawNUL = assertProblem(try register(try person(familyName: familyName, givenNameRaw: [0x41, 0x00, 0x42])), 400)
        XCTAssertEqual(firstError(rawNUL)?.field, "givenName")
        try assertNothingStored(familyName: familyName)
    }

    // MARK: Malformed request lines

    func testMalformedRequestLinesAreRefusedAndClosed() throws {
        let lines: [(String, [UInt8], Int)] = [
            ("missing version", Array("GET /healthz\r\n\r\n".utf8), 400),
            ("method only", Array("GET\r\n\r\n".utf8), 400),
            ("tabs as separators", Array("GET\t/healthz\tHTTP/1.1\r\n\r\n".utf8), 400),
            ("tab before the version", Array("GET /healthz\tHTTP/1.1\r\n\r\n".utf8), 400),
            ("many spaces", Array(("GET " + String(repeating: " ", count: 5000) + "/healthz HTTP/1.1\r\n\r\n").utf8), 400),
            ("many spaces before the version", Array(("GET /healthz" + String(repeating: " ", count: 7000) + "HTTP/1.1\r\n\r\n").utf8), 400),
            ("leading space", Array(" GET /healthz HTTP/1.1\r\n\r\n".utf8), 400),
            ("trailing space", Array("GET /healthz HTTP/1.1 \r\n\r\n".utf8), 400),
            ("lowercase protocol", Array("GET /healthz http/1.1\r\n\r\n".utf8), 400),
            ("HTTP/2 as text", Array("GET /healthz HTTP/2.0\r\n\r\n".utf8), 505),
            ("HTTP/2 preface", Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8), 505),
            ("asterisk form", Array("GET * HTTP/1.1\r\nHost: x\r\n\r\n".utf8), 400),
            ("authority form", Array("CONNECT attacker.example:443 HTTP/1.1\r\nHost: x\r\n\r\n".utf8), 400),
            ("scheme without authority", Array("GET http:/healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8), 400),
            ("NUL before the method", [0x00] + Array("GET /healthz HTTP/1.1\r\n\r\n".utf8), 400),
            ("CR CR LF", Array("GET /healthz HTTP/1.1\r\r\n\r\n".utf8), 400),
            ("overlong method", Array((String(repeating: "G", count: 64) + " /healthz HTTP/1.1\r\n\r\n").utf8), 400),
        ]
        for (label, bytes, status) in lines {
            let client = try HTTPClient.connected(port: intake)
            try client.send(raw: bytes)
            assertProblem(try client.readResponse(), status, label)
            XCTAssertTrue(client.waitForClose(timeout: 5), "\(label): the connection stayed open")
        }

        // Methods are case-sensitive (RFC 9110 §9.1): "get" is a method no route has.
        let lower = try HTTPClient.connected(port: intake).request("get", "/healthz")
        assertProblem(lower, 405)
        XCTAssertEqual(lower.headers["allow"], "GET, HEAD")
        // The absolute form must be accepted by an origin server (RFC 9112 §3.2.2); its
        // authority is ignored, as nothing here depends on the host.
        let foreign = try HTTPClient.connected(port: intake).request("GET", "http://attacker.example:666/persons/\(UUID().uuidString.lowercased())",
                                                              headers: ["Authorization": "Bearer \(canton)"])
        assertProblem(foreign, 404)
        XCTAssertEqual(try HTTPClient.connected(port: intake).request("GET", "https://attacker.example/healthz").status, 200)

        let started = Date()
        XCTAssertEqual(try HTTPClient.connected(port: intake).request("GET", "/healthz").status, 200)
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5)
    }
}
