import Foundation
import IASRuntime
import XCTest

/// The writer must give exactly the bytes Foundation's encoder gave for the same values (the
/// suite's JSON before it had a writer of its own): a response written with it is the
/// response clients got before.
final class JSONWriterTests: XCTestCase {
    private func encoded<T: Encodable>(_ value: T) throws -> String { try FoundationReference.encoded(value) }

    private func written(_ body: (inout JSONWriter) throws -> Void) rethrows -> String {
        var w = JSONWriter()
        try body(&w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// Stored JSON text read and written again, as the dossier's timeline is.
    private func rewritten(_ text: String) throws -> String { try written { try $0.value(try JSONParser.parse(text)) } }

    /// The same text read, then written by the reference.
    private func parsedAndEncoded(_ text: String) throws -> String { try encoded(try JSONParser.parse(text)) }

    func testStringsAreEscapedAsTheEncoderEscapesThem() throws {
        var every = ""
        for c in 0..<0x80 { every.unicodeScalars.append(Unicode.Scalar(c)!) }
        for s in [every, "Zürich/Genève", "\u{2028}\u{2029}\u{FEFF}😀", "a\"b\\c", "", "e\u{302}"] {
            XCTAssertEqual(written { $0.string(s) }, try encoded(s))
        }
        XCTAssertEqual(JSONString.quote("tab\there"), try encoded("tab\there"))
    }

    func testScalarsIdentifiersDatesAndTimestampsMatchTheEncoder() throws {
        for n in [0, 7, 10, -1, -1_800_000, Int.max, Int.min] { XCTAssertEqual(written { $0.int(Int64(n)) }, try encoded(n)) }
        for n in [UInt64.max, 0, 10] { XCTAssertEqual(written { $0.uint(n) }, try encoded(n)) }
        for b in [true, false] { XCTAssertEqual(written { $0.bool(b) }, try encoded(b)) }
        for _ in 0..<50 {
            let id = Identifier()
            XCTAssertEqual(written { $0.identifier(id) }, try encoded(id))
        }
        for text in ["1900-01-01", "2026-11-22", "2200-12-31", "2024-02-29"] {
            let date = CalendarDate(text)!
            XCTAssertEqual(written { $0.date(date) }, try encoded(date))
        }
        for t in [0, 1_795_000_000.123999, 1_800_000_000.0005, -0.5, 1_763_790_000.999_999] {
            let date = Date(timeIntervalSince1970: t)
            XCTAssertEqual(written { $0.timestamp(date) }, try encoded(date))
        }
    }

    func testDoublesAreWrittenInTheirShortestFormAsTheEncoderWritesThem() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.1, 1.5, 100, 1e15, 9e15, 1e16, 1e20, 1e21, 1e-5, 1e-7, 5e-324, .greatestFiniteMagnitude,
                                -.leastNormalMagnitude, 123456789012345680000, 0.30000000000000004]
        for _ in 0..<5000 {
            values.append(Double(bitPattern: generator.next()))
            values.append(Double(Int64.random(in: -1_000_000_000...1_000_000_000, using: &generator)) / 1000)
        }
        for value in values where value.isFinite {
            XCTAssertEqual(try written { try $0.double(value) }, try encoded(value), "\(value)")
        }
        XCTAssertThrowsError(try written { try $0.double(.nan) })
        XCTAssertThrowsError(try written { try $0.double(.infinity) })
    }

    private struct Sample: Encodable {
        let b: String?
        let a: [Int]
        let c: Int?
        let d: Bool
    }

    func testMembersAndNilOmissionMatchSynthesizedEncodable() throws {
        for sample in [Sample(b: "x", a: [1, 2], c: 3, d: true), Sample(b: nil, a: [], c: nil, d: false)] {
            XCTAssertEqual(try FoundationReference.ours(sample), try encoded(sample))
        }
    }

    func testMembersWrittenInAnyOrderComeOutSortedByTheirUTF8Bytes() throws {
        let text = try written { w in
            w.beginObject()
            for name in ["é", "b", "B", "a10", "a9"] {
                w.key(name)
                if name == "b" {
                    w.beginObject()
                    w.key("z"); w.int(1)
                    w.key("y"); w.beginArray(); w.bool(true); w.null(); w.endArray()
                    w.endObject()
                } else {
                    w.string(name)
                }
            }
            w.key("a9"); try w.double(1.5)   // given twice: the last value stays
            w.endObject()
        }
        XCTAssertEqual(text, #"{"B":"B","a10":"a10","a9":1.5,"b":{"y":[true,null],"z":1},"é":"é"}"#)
    }

    func testOpenValuesSortMembersByUTF8BytesAndWriteNumbersAsTheEncoderDoes() throws {
        let value = JSONValue.object([
            "B": .number(1), "a": .number(1.5), "a10": .number(1e20), "a9": .number(-0.0), "_x": .null,
            "\u{E9}": .number(0.1), "e\u{302}": .array([.bool(true), .string("é"), .number(9e15)]), "f": .object([:]),
        ])
        XCTAssertEqual(try written { try $0.value(value) }, try encoded(value))
        XCTAssertThrowsError(try written { try $0.value(.array([.number(.nan)])) })
    }

    func testWholeNumbersBelow9e15AreIntegers() throws {
        XCTAssertEqual(JSONValue.integer(0), 0)
        XCTAssertEqual(JSONValue.integer(-0.0), 0)
        XCTAssertEqual(JSONValue.integer(-42), -42)
        XCTAssertEqual(JSONValue.integer(8_999_999_999_999_999), 8_999_999_999_999_999 as Int64?)
        for n in [1.5, -0.5, 9e15, -9e15, 1e20, .infinity, -.infinity, .nan] { XCTAssertNil(JSONValue.integer(n), "\(n)") }
        XCTAssertEqual(try written { try $0.value(.array([.number(100), .number(-7), .number(9e15), .number(2.5)])) }, "[100,-7,9000000000000000,2.5]")
    }

    func testStoredJSONTextComesOutAsTheReferenceWritesIt() throws {
        let texts = [
            // jsonb output: members ordered by length, ", " and ": " between them
            #"{"kind": "short", "heldOn": "2026-11-22", "amountRappen": 600000, "goals": ["work", "language"], "nested": {"zz": -0, "a": [1, {"y": null, "x": false}]}}"#,
            #"[]"#, #"{}"#, #"  "text"  "#, #"-42"#, #"true"#,
            // escapes, fractions, exponents, long integers, non-ASCII names, duplicates
            #"{"notes": "line\nbreak \"quoted\" \u00e9", "b": 1}"#,
            #"{"rate": 1.50, "big": 1e20, "long": 1234567890123456789, "small": 0.1}"#,
            #"{"Zürich": 1, "Bern": 2, "e\u0302": 3}"#,
            #"{"a": 1, "a": 2}"#,
        ]
        for text in texts {
            XCTAssertEqual(try rewritten(text), try parsedAndEncoded(text), text)
        }
    }

    func testStoredJSONTextAmongOtherMembersKeepsCommasRight() throws {
        let text = try written { w in
            w.beginArray()
            try w.value(try JSONParser.parse(#"{"b": 1, "a": 2}"#))
            try w.value(try JSONParser.parse(#"{"x": 1.5}"#))
            w.int(3)
            w.endArray()
        }
        XCTAssertEqual(text, #"[{"a":2,"b":1},{"x":1.5},3]"#)
    }

    func testInvalidStoredJSONIsRefused() {
        for text in [#"{"a": }"#, #"{"a": 1,}"#, "[1 2]", "01", #"{"a": 1} x"#, ""] {
            XCTAssertThrowsError(try rewritten(text), text)
        }
    }

    /// Random documents, members shuffled and spaced as a database might return them.
    func testRandomDocumentsComeOutAsTheReferenceWritesThem() throws {
        var generator = SystemRandomNumberGenerator()
        let names = ["a", "b", "B", "_id", "caseId", "case_id", "amountRappen", "x1", "x10", "x9", "ä", "data"]
        let strings = ["", "plain", "with space", "Genève", "tab\there", "quote\"", "slash/", "😀"]
        func randomText(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &generator) {
            case 0: return "null"
            case 1: return Bool.random(using: &generator) ? "true" : "false"
            case 2: return String(Int.random(in: -2_000_000...2_000_000, using: &generator))
            case 3: return ["1.5", "-0", "0", "100.25", "1e3", "123456789012345", "1e300", "-2.5e-300"].randomElement(using: &generator)!
            case 4: return try! encoded(strings.randomElement(using: &generator)!)
            case 5: return "[" + (0..<Int.random(in: 0...3, using: &generator)).map { _ in randomText(depth + 1) }.joined(separator: ", ") + "]"
            default:
                let chosen = names.shuffled(using: &generator).prefix(Int.random(in: 0...5, using: &generator))
                return "{" + chosen.map { "\"\($0)\": " + randomText(depth + 1) }.joined(separator: Bool.random() ? ", " : ",") + "}"
            }
        }
        for _ in 0..<2000 {
            let text = randomText(0)
            XCTAssertEqual(try rewritten(text), try parsedAndEncoded(text), text)
        }
    }
}
