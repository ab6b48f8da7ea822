import IASHTTP
import XCTest

final class RequestDecodeTests: XCTestCase {
    struct Address: Codable { let street: String; let zip: Int }
    enum Gender: String, Codable { case female, male, diverse }
    struct Person: Codable {
        let name: String
        let languages: [String]
        let address: Address
        let gender: Gender?
    }

    private func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
        request(Array(body.utf8), contentType: contentType)
    }

    private func request(_ body: [UInt8], contentType: String? = "application/json") -> HTTPRequest {
        let headers = HTTPHeaders(contentType.map { [("Content-Type", $0)] } ?? [])
        return HTTPRequest(method: "POST", path: "/persons", headers: headers, body: body)
    }

    /// The problem thrown when decoding `body` as a Person.
    private func problem(_ request: HTTPRequest, file: StaticString = #filePath, line: UInt = #line) -> Problem? {
        decodingProblem(request, as: Person.self, file: file, line: line)
    }

    private let valid = #"{"name":"A","languages":["de","fr"],"address":{"street":"S","zip":3000}}"#

    func testDecodesAValidBody() throws {
        let person = try request(valid).decode(Person.self)
        XCTAssertEqual(person.languages, ["de", "fr"])
        XCTAssertEqual(person.address.zip, 3000)
        XCTAssertNoThrow(try request(valid, contentType: "application/merge-patch+json; charset=UTF-8").decode(Person.self))
        XCTAssertNoThrow(try request([0xEF, 0xBB, 0xBF] + Array(valid.utf8)).decode(Person.self))
    }

    func testMissingFieldIsNamedByItsPath() throws {
        let p = try XCTUnwrap(problem(request(#"{"name":"A","languages":[],"address":{"zip":1}}"#)))
        XCTAssertEqual(p.status, 400)
        XCTAssertEqual(p.type, Problem.validationType)
        XCTAssertEqual(p.errors, [FieldError(field: "address.street", message: "is required")])
    }

    func testWrongTypeInAnArrayIsNamedByIndex() throws {
        let p = try XCTUnwrap(problem(request(#"{"name":"A","languages":["de",7],"address":{"street":"S","zip":1}}"#)))
        XCTAssertEqual(p.errors, [FieldError(field: "languages[1]", message: "must be a string")])
    }

    func testOtherTypeErrors() throws {
        let null = try XCTUnwrap(problem(request(#"{"name":null,"languages":[],"address":{"street":"S","zip":1}}"#)))
        XCTAssertEqual(null.errors, [FieldError(field: "name", message: "must not be null")])
        let object = try XCTUnwrap(problem(request(#"{"name":"A","languages":[],"address":"x"}"#)))
        XCTAssertEqual(object.errors, [FieldError(field: "address", message: "must be an object")])
        let root = try XCTUnwrap(problem(request("[1]")))
        XCTAssertEqual(root.errors, [FieldError(field: "", message: "must be an object")])
        let enumValue = try XCTUnwrap(problem(request(#"{"name":"A","languages":[],"address":{"street":"S","zip":1},"gender":"x"}"#)))
        XCTAssertEqual(enumValue.errors, [FieldError(field: "gender", message: "is not one of the allowed values")])
    }

    func testFractionForAWholeNumberIsNamed() throws {
        let p = try XCTUnwrap(problem(request(#"{"name":"A","languages":[],"address":{"street":"S","zip":1.5}}"#)))
        XCTAssertEqual(p.errors, [FieldError(field: "address.zip", message: "must be a whole number within the allowed range")])
    }

    func testEmptyBody() throws {
        let p = try XCTUnwrap(problem(request("", contentType: nil)))
        XCTAssertEqual(p.status, 400)
        XCTAssertEqual(p.type, Problem.invalidJSONType)
        XCTAssertEqual(p.errors.first?.field, "")
        XCTAssertTrue(p.errors.first?.message.contains("empty") ?? false)
    }

    func testInvalidUTF8() throws {
        let p = try XCTUnwrap(problem(request([0x7B, 0x22, 0xFF, 0x22, 0x7D])))
        XCTAssertEqual(p.type, Problem.invalidJSONType)
        XCTAssertTrue(p.detail.contains("UTF-8"))
    }

    func testMalformedJSONSaysWhereItBreaks() throws {
        let p = try XCTUnwrap(problem(request("{\"name\":\"A\",\n\"address\":{\"street\":\"S\",}}")))
        XCTAssertEqual(p.type, Problem.invalidJSONType)
        XCTAssertEqual(p.errors.first?.field, "address")
        XCTAssertEqual(p.errors.first?.message, "expected a member name in double quotes but found '}' at line 2, column 25")

        let truncated = try XCTUnwrap(problem(request(#"{"languages":["de","#)))
        XCTAssertEqual(truncated.errors.first?.field, "languages[1]")
        XCTAssertTrue(truncated.errors.first?.message.hasPrefix("the document ends unexpectedly") ?? false)

        for broken in ["{", "nul", "{\"a\" 1}", "[1,]", "{\"a\":01}", "\"\\x\"", "{} {}", "{'a':1}", "[1 2]", "\"a\u{1}\""] {
            XCTAssertEqual(problem(request(broken))?.type, Problem.invalidJSONType, broken)
        }
    }

    func testNestingIsLimited() throws {
        let tooDeep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        let p = try XCTUnwrap(problem(request(tooDeep)))
        XCTAssertEqual(p.type, Problem.invalidJSONType)
        XCTAssertTrue(p.errors.first?.message.hasPrefix("nesting is deeper than 32 levels") ?? false)

        // Hostile depth is rejected without recursion.
        let hostile = String(repeating: "[", count: 1_000_000)
        XCTAssertEqual(problem(request(hostile))?.status, 400)

        let deepest = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        XCTAssertEqual(problem(request(deepest))?.type, Problem.validationType, "32 levels are valid JSON, only the wrong shape")
    }

    func testContentTypeMustBeJSON() throws {
        XCTAssertEqual(problem(request(valid, contentType: nil))?.status, 415)
        XCTAssertEqual(problem(request(valid, contentType: "text/plain"))?.status, 415)
        XCTAssertEqual(problem(request(valid, contentType: "application/json; charset=latin1"))?.status, 415)
        XCTAssertNoThrow(try request(valid, contentType: "Application/JSON;charset=\"utf-8\"").decode(Person.self))
    }
}

extension XCTestCase {
    /// The problem `request` is answered with when its body is decoded as `type`; a test
    /// failure when it decodes, or fails with anything but a problem.
    func decodingProblem<T: Decodable>(_ request: HTTPRequest, as type: T.Type, file: StaticString = #filePath, line: UInt = #line) -> Problem? {
        do {
            let value = try request.decode(type)
            XCTFail("decoded \(value)", file: file, line: line)
        } catch let problem as Problem {
            return problem
        } catch {
            XCTFail("not a Problem: \(error)", file: file, line: line)
        }
        return nil
    }
}
