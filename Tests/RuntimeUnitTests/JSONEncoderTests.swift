import Foundation
import IASRuntime
import XCTest

/// The encoder must write, for any Encodable value, the bytes Foundation's encoder wrote
/// (sorted members, nil members left out, dates as timestamps), and the decoder must read
/// them back to the same value.
final class JSONEncoderTests: XCTestCase {
    enum Mood: String, Codable, CaseIterable { case calm, tense, Zürich = "zürich" }

    /// Every kind of member, in declaration order that is not sorted.
    struct Document: Codable, Equatable {
        var title: String, count: Int, big: Int64, unsigned: UInt64, small: Int8
        var ratio: Double, share: Float, flag: Bool, note: String?
        var at: Date, id: Identifier, day: CalendarDate?, mood: Mood
        var tags: [String], scores: [String: Int], extra: JSONValue?, children: [Document]
    }

    private func random(depth: Int, _ g: inout SystemRandomNumberGenerator) -> Document {
        let texts = ["", "plain", "Genève / Zürich", "tab\there", "quote\"back\\slash", "😀 e\u{302}", "\u{1}\u{1f}\u{7f}", "\u{2028}"]
        func text() -> String { texts.randomElement(using: &g)! + String(Int.random(in: 0...99, using: &g)) }
        let extras: [JSONValue?] = [nil, .number(1.5), .string(text()), .array([.bool(true), .number(-3)]),
                                    .object(["b": .number(1e20), "a": .object(["z": .null])])]
        return Document(
            title: text(), count: Int.random(in: -1_000_000...1_000_000, using: &g),
            big: [Int64.max, Int64.min, 0, Int64.random(in: .min ... .max, using: &g)].randomElement(using: &g)!,
            unsigned: [UInt64.max, 0, UInt64.random(in: 0 ... .max, using: &g)].randomElement(using: &g)!,
            small: Int8.random(in: .min ... .max, using: &g),
            ratio: [0.1, -0.0, 1e20, 5e-324, Double(Int.random(in: -9999...9999, using: &g)) / 8,
                    Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF)].randomElement(using: &g)!,
            share: Float(Int.random(in: -9999...9999, using: &g)) / 10, flag: Bool.random(using: &g),
            note: Bool.random(using: &g) ? text() : nil,
            at: Date(timeIntervalSince1970: Double(Int.random(in: 0...2_000_000_000_000, using: &g)) / 1000),
            id: Identifier(), day: Bool.random(using: &g) ? CalendarDate(year: Int.random(in: 1900...2200, using: &g), month: 2, day: 28) : nil,
            mood: Mood.allCases.randomElement(using: &g)!, tags: (0..<Int.random(in: 0...3, using: &g)).map { _ in text() },
            scores: Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0...4, using: &g)).map { ("k\($0)\(text())", $0) }),
            extra: extras.randomElement(using: &g)!,
            children: depth > 2 ? [] : (0..<Int.random(in: 0...2, using: &g)).map { _ in random(depth: depth + 1, &g) })
    }

    func testRandomDocumentsAreWrittenAsTheReferenceWritesThemAndReadBack() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let document = random(depth: 0, &generator)
            XCTAssertEqual(try FoundationReference.ours(document), try FoundationReference.encoded(document))
            // Read back: whole numbers within 2^53 (the decoder refuses what a Double cannot
            // hold exactly), timestamps to the millisecond.
            let exact = document.within2To53()
            let bytes = try JSONCoding.encode(exact)
            let decoded = try JSONCoding.decode(Document.self, from: bytes)
            XCTAssertEqual(decoded.sameTimes(as: exact), exact)
        }
        XCTAssertThrowsError(try JSONCoding.decode(Int64.self, from: Array("9223372036854775807".utf8)))
    }

    func testAValueMadeOfTwoContainersIsOneObject() throws {
        struct Base: Encodable { let b = 1; let a = "x" }
        struct Both: Encodable {
            enum CodingKeys: String, CodingKey { case c }
            func encode(to encoder: Encoder) throws {
                try Base().encode(to: encoder)
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode([1, 2], forKey: .c)
            }
        }
        XCTAssertEqual(try FoundationReference.ours(Both()), #"{"a":"x","b":1,"c":[1,2]}"#)
        XCTAssertEqual(try FoundationReference.ours(Both()), try FoundationReference.encoded(Both()))
    }

    func testNestedContainersAndSuperEncodersAreFinishedInOrder() throws {
        struct Nested: Encodable {
            enum Keys: String, CodingKey { case z, inner, list, a, parent }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(1, forKey: .z)
                var inner = c.nestedContainer(keyedBy: Keys.self, forKey: .inner)
                try inner.encode("deep", forKey: .z)
                try inner.encodeNil(forKey: .a)
                var list = c.nestedUnkeyedContainer(forKey: .list)
                try list.encode(true)
                var element = list.nestedContainer(keyedBy: Keys.self)
                try element.encode(2.5, forKey: .a)
                try list.encode(Date(timeIntervalSince1970: 0))
                _ = c.superEncoder(forKey: .parent)   // encodes nothing: an empty object
                try c.encode(Identifier(UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")!), forKey: .a)
            }
        }
        let expected = #"{"a":"e621e1f8-c36c-495a-93fc-0c247a3e6e5f","inner":{"a":null,"z":"deep"},"list":[true,{"a":2.5},"1970-01-01T00:00:00.000Z"],"parent":{},"z":1}"#
        XCTAssertEqual(try FoundationReference.ours(Nested()), expected)
        XCTAssertEqual(try FoundationReference.encoded(Nested()), expected)
    }

    func testAContainerUsedAfterItsParentMovedOnIsRefusedNotMisplaced() {
        struct Interleaved: Encodable {
            enum Keys: String, CodingKey { case a, b, c }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                var inner = c.nestedContainer(keyedBy: Keys.self, forKey: .a)
                try c.encode(1, forKey: .b)
                try inner.encode(2, forKey: .c)
            }
        }
        XCTAssertThrowsError(try JSONCoding.encode(Interleaved())) { error in
            XCTAssertTrue("\(error)".contains("one pass"), "\(error)")
        }
    }

    func testNonFiniteNumbersAndEmptyDocumentsAreRefused() {
        XCTAssertThrowsError(try JSONCoding.encode(["x": Double.nan]))
        XCTAssertThrowsError(try JSONCoding.encode([Float.infinity]))
        XCTAssertThrowsError(try JSONValue(encoding: ["x": -Double.infinity]))
        struct Nothing: Encodable { func encode(to encoder: Encoder) throws {} }
        XCTAssertThrowsError(try JSONCoding.encode(Nothing()))
        XCTAssertEqual(try FoundationReference.ours([Nothing()]), "[{}]")
    }

    func testEncodingIntoAValueGivesWhatParsingTheBytesGives() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let document = random(depth: 0, &generator)
            // Integers beyond 2^53 are not exact as a Double on either side.
            let value = try JSONValue(encoding: document)
            XCTAssertEqual(value, try JSONParser.parse(try JSONCoding.encode(document)))
        }
        XCTAssertEqual(try JSONValue(encoding: "x"), .string("x"))
        XCTAssertEqual(try JSONValue(encoding: [String: Int]()), .object([:]))
    }
}

extension JSONEncoderTests.Document {
    func within2To53() -> Self {
        var copy = self
        copy.big %= 1 << 53
        copy.unsigned %= 1 << 53
        copy.children = children.map { $0.within2To53() }
        return copy
    }

    /// `self` with the times of `other` where they differ by a millisecond at most.
    func sameTimes(as other: Self) -> Self {
        var copy = self
        if abs(at.timeIntervalSince(other.at)) < 0.002 { copy.at = other.at }
        copy.children = zip(children, other.children).map { $0.sameTimes(as: $1) }
        return copy
    }
}
