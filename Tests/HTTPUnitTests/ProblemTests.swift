import Foundation
import IASHTTP
import IASRuntime
import XCTest

final class ProblemTests: XCTestCase {
    private func document(_ response: HTTPResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    func testRendersProblemJSON() throws {
        var problem = Problem.validation([FieldError(field: "name", message: "is required")])
        problem.extensions["candidates"] = .array([.string("p-1")])
        let response = problem.response(requestId: "r-1")
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        let json = try document(response)
        XCTAssertEqual(json["type"] as? String, "https://ias.example.ch/problems/validation")
        XCTAssertEqual(json["title"] as? String, "The request is invalid")
        XCTAssertEqual(json["status"] as? Int, 400)
        XCTAssertEqual(json["requestId"] as? String, "r-1")
        XCTAssertEqual(json["candidates"] as? [String], ["p-1"])
        XCTAssertEqual((json["errors"] as? [[String: String]])?.first, ["field": "name", "message": "is required"])
        XCTAssertTrue((json["detail"] as? String)?.contains("name") ?? false)
    }

    func testExtensionsNeverReplaceStandardMembers() throws {
        let problem = Problem.conflict("Exists.", extensions: ["status": .number(200), "existingPersonId": .string("p-9")])
        let json = try document(problem.response(requestId: nil))
        XCTAssertEqual(json["status"] as? Int, 409)
        XCTAssertEqual(json["existingPersonId"] as? String, "p-9")
        XCTAssertNil(json["requestId"])
        XCTAssertNil(json["errors"])
    }

    func testFactoriesSetStatusAndHeaders() {
        XCTAssertEqual(Problem.badRequest("x").status, 400)
        XCTAssertEqual(Problem.notFound("x").status, 404)
        XCTAssertEqual(Problem.notFound("x").title, "Not Found")
        XCTAssertEqual(Problem.forbidden("x").status, 403)
        XCTAssertEqual(Problem.unprocessable("x").status, 422)
        let unauthorized = Problem.unauthorized("x").response(requestId: nil)
        XCTAssertEqual(unauthorized.status, 401)
        XCTAssertEqual(unauthorized.headers["WWW-Authenticate"], "Bearer")
        let unavailable = Problem.unavailable("x", retryAfterSeconds: 5).response(requestId: nil)
        XCTAssertEqual(unavailable.status, 503)
        XCTAssertEqual(unavailable.headers["Retry-After"], "5")
        XCTAssertEqual(String(describing: Problem.notFound("No such person.")), "404 Not Found: No such person.")
    }

    func testResponseHelpers() throws {
        let json = HTTPResponse.json(["b": 1, "a": 2], status: 201, headers: [("Location", "/x")])
        XCTAssertEqual(json.status, 201)
        XCTAssertEqual(json.headers["Content-Type"], "application/json")
        XCTAssertEqual(json.headers["Location"], "/x")
        XCTAssertEqual(String(decoding: json.body, as: UTF8.self), #"{"a":2,"b":1}"#)
        XCTAssertEqual(HTTPResponse.json(["x": Double.nan]).status, 500)
        let text = HTTPResponse.text("hi")
        XCTAssertEqual(text.headers["content-type"], "text/plain; charset=utf-8")
        XCTAssertEqual(text.body, Array("hi".utf8))
        XCTAssertEqual(HTTPResponse.empty().status, 204)
        XCTAssertTrue(HTTPResponse.empty().body.isEmpty)
    }

    func testRequestAccessors() throws {
        let request = HTTPRequest(method: "GET", path: "/p", headers: HTTPHeaders([("X-A", "1")]), pathParameters: ["id": "7"])
        XCTAssertEqual(request.header("x-a"), "1")
        XCTAssertEqual(try request.parameter("id"), "7")
        XCTAssertThrowsError(try request.parameter("other")) { error in
            XCTAssertEqual((error as? Problem)?.status, 404)
        }
    }
}
