import Foundation
import IASRuntime
import XCTest

/// The decoder's errors name the path of the value and say what is wrong in the words the
/// suite answers with; whole numbers are exact or refused.
final class JSONDecoderTests: XCTestCase {
    struct Address: Codable, Equatable { let street: String; let zip: Int }
    enum Kind: String, Codable { case short, full }
    struct Person: Codable, Equatable {
        let name: String
        let languages: [String]
        let address: Address
        let kind: Kind?
        let born: CalendarDate?
        let seen: Date?
        let ratio: Double?
    }

    /// The field and words of the error decoding `text` as a Person.
    private func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try JSONCoding.decode(Person.self, from: Array(text.utf8))
            XCTFail("decoded \(text)", file: file, line: line)
        } catch let error as DecodingError {
            return error.explanation
        } catch {
            XCTFail("not a DecodingError: \(error)", file: file, line: line)
        }
        return nil
    }

    private let address = #""address":{"street":"S","zip":3000}"#

    func testAValidDocumentDecodes() throws {
        let text = #"{"name":"A","languages":["de"],\#(address),"kind":"full","born":"1999-08-11","seen":"2026-11-22T10:00:00.500Z","ratio":-0.25}"#
        let person = try JSONCoding.decode(Person.self, from: Array(text.utf8))
        XCTAssertEqual(person.address, Address(street: "S", zip: 3000))
        XCTAssertEqual(person.kind, .full)
        XCTAssertEqual(person.born, CalendarDate("1999-08-11"))
        XCTAssertEqual(person.seen?.timeIntervalSince1970 ?? 0, 1_795_341_600.5, accuracy: 0.001)
        XCTAssertEqual(person.ratio, -0.25)
        // Absent and null optional members are both nil; unknown members are ignored.
        let sparse = try JSONCoding.decode(Person.self, from: Array(#"{"name":"A","languages":[],\#(address),"kind":null,"x":1}"#.utf8))
        XCTAssertNil(sparse.kind)
        XCTAssertNil(sparse.born)
    }

    func testEveryKindOfErrorIsNamedByItsPathInTheSuitesWords() {
        XCTAssertEqual(failure(#"{"name":"A","languages":[],"address":{"zip":1}}"#), "address.street: is required")
        XCTAssertEqual(failure(#"{"name":null,"languages":[],\#(address)}"#), "name: must not be null")
        XCTAssertEqual(failure(#"{"name":"A","languages":["de",7],\#(address)}"#), "languages[1]: must be a string")
        XCTAssertEqual(failure(#"{"name":"A","languages":"de",\#(address)}"#), "languages: must be an array")
        XCTAssertEqual(failure(#"{"name":"A","languages":[],"address":"x"}"#), "address: must be an object")
        XCTAssertEqual(failure(#"{"name":"A","languages":[],"address":{"street":"S","zip":"1"}}"#), "address.zip: must be a whole number")
        XCTAssertEqual(failure(#"{"name":"A","languages":[],\#(address),"ratio":true}"#), "ratio: must be a number")
        XCTAssertEqual(failure(#"{"name":"A","languages":[],\#(address),"kind":"x"}"#), "kind: is not one of the allowed values")
        XCTAssertEqual(failure(#"{"name":"A","languages":[],\#(address),"born":"1999-02-30"}"#), "born: expected a date YYYY-MM-DD")
        XCTAssertEqual(failure(#"{"name":"A","languages":[],\#(address),"seen":"yesterday"}"#),
                       "seen: must be a timestamp string such as 2024-05-01T12:00:00Z")
        XCTAssertEqual(failure("[1]"), "must be an object")
        XCTAssertEqual(failure("null"), "must not be null")
    }

    func testWholeNumbersMustBeExactAndInRange() throws {
        for number in ["1.5", "1e19", "9223372036854775807", "9007199254740993", "9007199254740992", "-1e300"] {
            XCTAssertEqual(failure(#"{"name":"A","languages":[],"address":{"street":"S","zip":\#(number)}}"#),
                           "address.zip: must be a whole number within the allowed range", number)
        }
        for (text, value) in [("1.0", 1), ("1e3", 1000), ("-0", 0), ("9007199254740991", 9_007_199_254_740_991)] {
            XCTAssertEqual(try JSONCoding.decode(Int.self, from: Array(text.utf8)), value, text)
        }
        XCTAssertThrowsError(try JSONCoding.decode(UInt8.self, from: Array("256".utf8)))
        XCTAssertThrowsError(try JSONCoding.decode(Float.self, from: Array("1e300".utf8)))
    }

    func testArraysDictionariesAndOpenValues() throws {
        XCTAssertEqual(try JSONCoding.decode([String: [Int]].self, from: Array(#"{"b":[1],"a":[]}"#.utf8)), ["a": [], "b": [1]])
        XCTAssertEqual(try JSONCoding.decode([Int?].self, from: Array("[1,null,3]".utf8)), [1, nil, 3])
        let value = try JSONParser.parse(#"{"data":{"x":[1,"y",null]}}"#)
        struct Envelope: Decodable { let data: JSONValue }
        XCTAssertEqual(try value.decode(Envelope.self).data, .object(["x": .array([.number(1), .string("y"), .null])]))
        XCTAssertEqual(try value.decode(JSONValue.self), value)
        XCTAssertThrowsError(try JSONDecoder().decode(JSONValue.self, from: Data("1".utf8)), "read by the suite's decoder only")
    }

    func testAnArrayPastItsEndAndAnElementPathAreNamed() {
        struct Pair: Decodable {
            init(from decoder: Decoder) throws {
                var c = try decoder.unkeyedContainer()
                _ = try c.decode(Int.self)
                _ = try c.decode(Int.self)
            }
        }
        XCTAssertThrowsError(try JSONCoding.decode([Pair].self, from: Array("[[1,2],[3]]".utf8))) { error in
            XCTAssertEqual((error as? DecodingError)?.explanation, "[1][1]: must not be null")
        }
    }
}
