import Foundation
import IASServiceKit
import XCTest

final class OpenAPIDocumentTests: XCTestCase {
    func testMismatchesNameTheUndocumentedRouteAndTheUnroutedOperation() throws {
        let document = try OpenAPIDocument(data: Data(#"{"openapi":"3.1.0","paths":{"/a":{"get":{}},"/b/{id}":{"post":{}}}}"#.utf8))
        XCTAssertEqual(document.mismatches(with: [("GET", "/a"), ("POST", "/b/{id}")]), [])
        XCTAssertEqual(document.mismatches(with: [("GET", "/a"), ("DELETE", "/c")]),
                       ["route DELETE /c is not in the OpenAPI document", "documented operation POST /b/{id} has no route"])
    }

    func testEveryAuthenticatedOperationStatesThePermissionItsRouteDeclares() throws {
        let document = try OpenAPIDocument(data: Data(#"{"openapi":"3.1.0","paths":{"/a":{"get":{"x-permission":"readCases"}},"/healthz":{"get":{}}}}"#.utf8))
        XCTAssertEqual(document.mismatches(withPermissions: ["GET /a": "readCases"]), [])
        XCTAssertEqual(document.mismatches(withPermissions: ["GET /a": "writeCases"]),
                       ["GET /a documents x-permission readCases but its route declares writeCases"])
        XCTAssertEqual(document.mismatches(withPermissions: ["GET /a": "readCases", "GET /healthz": "readCases"]),
                       ["GET /healthz documents x-permission none but its route declares readCases"])
    }

    func testEveryServiceShipsAnOpenAPI31Document() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for service in ["Intake", "Assessment", "Plan", "Costs", "Coordination"] {
            let url = root.appendingPathComponent("Services/\(service)/Sources/openapi.json")
            let document = try OpenAPIDocument(data: try Data(contentsOf: url))
            XCTAssertTrue(document.operations.contains("GET /healthz"), service)
            XCTAssertTrue(document.operations.contains("GET /readyz"), service)
        }
    }

    func testADocumentThatIsNotOpenAPI31IsRefused() {
        XCTAssertThrowsError(try OpenAPIDocument(data: Data(#"{"swagger":"2.0"}"#.utf8)))
    }
}
