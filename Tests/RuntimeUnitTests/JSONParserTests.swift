import Foundation
import IASRuntime
import XCTest

/// The hand-written parser must accept exactly what JSONSerialization accepts, produce the
/// same values, and its writer must read back to the same value.
final class JSONParserTests: XCTestCase {
    private func foundation(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// A JSONValue and a JSONSerialization result are the same JSON.
    private func same(_ value: JSONValue, _ other: Any) -> Bool {
        switch (value, other) {
        case (.null, is NSNull): return true
        case (.string(let a), let b as String): return a == b
        case (.bool(let a), let b as NSNumber): return a == b.boolValue
        case (.number(let a), let b as NSNumber): return a == b.doubleValue || abs(a - b.doubleValue) <= abs(a) * 1e-12
        case (.array(let a), let b as [Any]): return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        case (.object(let a), let b as [String: Any]): return a.count == b.count && a.allSatisfy { k, v in b[k].map { same(v, $0) } ?? false }
        default: return false
        }
    }

    private let valid = [
        #"{}"#, #"[]"#, #"0"#, #"-0"#, #"1.5e3"#, #"-12.25E-2"#, #"true"#, #"false"#, #"null"#, #""""#,
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, #"  [ 1 , 2 ,3 ]  "#,
        #""esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00""#, #""Zürich 🚀""#, #"{"caseId":"7a3f0c52-1d2e-4a57-9a0e-3f1b2c4d5e6f"}"#,
        #"[[[[[]]]]]"#, #"{"a":{"b":{"c":[1,{"d":null}]}}}"#, #"123456789012345678"#,
    ]

    private let invalid = [
        "", " ", "{", "}", "[", "[1,]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul",
        "\"unterminated", "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "[1 2]", "1 2", "NaN", "Infinity",
        "{\"a\":1}}", "1e400", "\u{0}", "[\"a\"]]",
    ]

    func testAcceptsValidJSONAsFoundationReadsIt() throws {
        for text in valid {
            let value = try JSONParser.parse(text)
            let reference = try XCTUnwrap(foundation(Array(text.utf8)), text)
            XCTAssertTrue(same(value, reference), "\(text) → \(value)")
        }
    }

    func testRefusesInvalidJSONWithAnOffset() {
        for text in invalid {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertTrue(error is JSONParser.Failure, "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]), "invalid UTF-8 in a string")
        XCTAssertThrowsError(try JSONParser.parse(String(repeating: "[", count: 300) + String(repeating: "]", count: 300)), "too deep")
    }

    func testFailuresSayWhereAndWhy() {
        let cases: [(text: String, path: String, message: String)] = [
            ("{\"a\":[1,\n2,}", "a[2]", "expected a value but found '}' at line 2, column 3"),
            ("{\"a\":{\"b\" 1}}", "a.b", "expected ':' after the member name but found '1' at line 1, column 11"),
            ("[\"é\", tru]", "[1]", "unexpected 't' at line 1, column 7"),
            ("{\"a\":1} x", "", "unexpected 'x' after the end of the document at line 1, column 9"),
            ("[[", "[0][0]", "the document ends unexpectedly at line 1, column 3"),
        ]
        for (text, path, message) in cases {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                let failure = error as? JSONParser.Failure
                XCTAssertEqual(failure?.kind, .syntax, text)
                XCTAssertEqual(failure?.path, path, text)
                XCTAssertEqual(failure?.message, message, text)
            }
        }
    }

    func testWhatNoFieldMayHoldIsRefusedAfterTheSyntaxIsChecked() throws {
        // Not Unicode, or not a Double: refused everywhere.
        for text in [#"{"a":["\ud800"]}"#, #"{"a":1e400}"#] {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertEqual((error as? JSONParser.Failure)?.kind, .unacceptable, text)
                XCTAssertEqual((error as? JSONParser.Failure)?.path.hasPrefix("a"), true, text)
            }
        }
        // Storable only where the suite does not forbid it: requests refuse NUL and numbers that become 0.
        XCTAssertEqual(try JSONParser.parse(#"["a\u0000", 1e-400]"#), .array([.string("a\u{0}"), .number(0)]))
        for text in [#"["a\u0000"]"#, "[1e-400]"] {
            XCTAssertThrowsError(try JSONParser.parse(text, limits: .request), text)
        }
        // A syntax error further on is the one reported.
        XCTAssertThrowsError(try JSONParser.parse(#"["\ud800", }"#)) { error in
            XCTAssertEqual((error as? JSONParser.Failure)?.kind, .syntax)
        }
        XCTAssertThrowsError(try JSONParser.parse(String(repeating: "[", count: 33) + String(repeating: "]", count: 33), limits: .request))
        XCTAssertNoThrow(try JSONParser.parse(String(repeating: "[", count: 256) + String(repeating: "]", count: 256)))
    }

    func testWriterReadsBackToTheSameValue() throws {
        for text in valid {
            let value = try JSONParser.parse(text)
            XCTAssertEqual(try JSONParser.parse(try JSONCoding.encode(value)), value, text)
        }
        let controls = JSONValue.string("a\u{1}b\u{1f}\"\\")
        XCTAssertEqual(try JSONParser.parse(try JSONCoding.encode(controls)), controls)
        XCTAssertEqual(String(decoding: try JSONCoding.encode(JSONValue.object(["b": .number(2), "a": .number(1.5)])), as: UTF8.self), #"{"a":1.5,"b":2}"#)
    }

    /// Random byte mutations of valid documents: the parser never crashes, never accepts what
    /// Foundation refuses, and reads what both accept to the same value. It may refuse more:
    /// Foundation on Linux lets trailing commas and bytes after a NUL pass, RFC 8259 does not.
    func testAgreesWithFoundationOnMutatedInput() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}[]\",:0123456789-+.eE \\utrfalsn\u{e9}".utf8) + [0x00, 0x1F, 0xC3, 0xFF]
        var disagreements: [String] = []
        for _ in 0..<3000 {
            var bytes = Array(valid.randomElement(using: &generator)!.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: if position < bytes.count { bytes[position] = alphabet.randomElement(using: &generator)! }
                }
            }
            let ours = try? JSONParser.parse(bytes)
            let theirs = foundation(bytes)
            if let ours {
                if theirs.map({ same(ours, $0) }) != true { disagreements.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        XCTAssertEqual(disagreements, [], "the parsers disagree on these inputs")
    }
}

/// New identifiers are random version-4 UUIDs in canonical lower-case text.
final class IdentifierGenerationTests: XCTestCase {
    func testNewIdentifiersAreVersion4WithTheRFCVariantAndDistinct() {
        let ids = (0..<10_000).map { _ in Identifier() }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids.prefix(500) {
            let text = id.description
            XCTAssertEqual(text, text.lowercased())
            XCTAssertEqual(Array(text)[14], "4", text)
            XCTAssertTrue("89ab".contains(Array(text)[19]), text)
            XCTAssertEqual(Identifier(text), id)
        }
    }
}
