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

    /// The headers of reading one's own writes are documented alike everywhere: every
    /// authenticated operation takes `IAS-Await-Event` and may answer 503; every write's
    /// successful answers carry `IAS-Event-Id`.
    func testEveryAuthenticatedOperationDocumentsTheEventHeaders() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for service in ["Intake", "Assessment", "Plan", "Costs", "Coordination"] {
            let url = root.appendingPathComponent("Services/\(service)/Sources/openapi.json")
            let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as? [String: Any])
            let components = document["components"] as? [String: Any]
            XCTAssertEqual(((components?["parameters"] as? [String: Any])?["AwaitEvent"] as? [String: Any])?["name"] as? String,
                           EventHeaders.awaitEvent, service)
            XCTAssertNotNil((components?["headers"] as? [String: Any])?["EventId"], service)
            for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
                for (method, value) in item {
                    guard let operation = value as? [String: Any], operation["x-permission"] != nil else { continue }
                    let name = "\(service) \(method.uppercased()) \(path)"
                    let parameters = operation["parameters"] as? [[String: Any]] ?? []
                    XCTAssertTrue(parameters.contains { $0["$ref"] as? String == "#/components/parameters/AwaitEvent" }, "\(name) takes IAS-Await-Event")
                    let responses = operation["responses"] as? [String: [String: Any]] ?? [:]
                    XCTAssertNotNil(responses["503"], "\(name) may answer 503")
                    guard method != "get" else { continue }
                    for (status, response) in responses where status.hasPrefix("2") {
                        XCTAssertNotNil((response["headers"] as? [String: Any])?[EventHeaders.eventId], "\(name) \(status) names IAS-Event-Id")
                    }
                }
            }
        }
    }

    func testADocumentThatIsNotOpenAPI31IsRefused() {
        XCTAssertThrowsError(try OpenAPIDocument(data: Data(#"{"swagger":"2.0"}"#.utf8)))
    }
}
