@testable import IASHTTP
import XCTest

final class RouterTests: XCTestCase {
    private func router() -> Router {
        let router = Router()
        router.get("/persons/{personId}") { _ in .text("by id") }
        router.get("/persons/search") { _ in .text("search") }
        router.delete("/persons/{personId}") { _ in .empty() }
        router.get("/persons/{personId}/closure", name: "closure") { _ in .text("closure") }
        router.post("/cases/{caseId}/documents/{documentId}") { _ in .empty() }
        router.get("/") { _ in .text("root") }
        return router
    }

    private func body(_ match: Router.Match) throws -> String {
        guard case .found(let handler, _, let parameters, _) = match else {
            XCTFail("no route found: \(match)")
            return ""
        }
        let request = HTTPRequest(method: "GET", path: "/", pathParameters: parameters)
        return String(decoding: try handler(request).body, as: UTF8.self)
    }

    func testBindsParameters() throws {
        guard case .found(_, let pattern, let parameters, _) = router().freeze().match(method: "POST", path: "/cases/c1/documents/d%2") else {
            return XCTFail("no route found")
        }
        XCTAssertEqual(pattern, "/cases/{caseId}/documents/{documentId}")
        XCTAssertEqual(parameters, ["caseId": "c1", "documentId": "d%2"])
    }

    func testLiteralSegmentsBeatParameters() throws {
        XCTAssertEqual(try body(router().freeze().match(method: "GET", path: "/persons/search")), "search")
        XCTAssertEqual(try body(router().freeze().match(method: "GET", path: "/persons/p-1")), "by id")
        XCTAssertEqual(try body(router().freeze().match(method: "GET", path: "/")), "root")
    }

    func testNameLabelsTheRoute() {
        guard case .found(_, let pattern, let parameters, _) = router().freeze().match(method: "GET", path: "/persons/p-1/closure") else {
            return XCTFail("no route found")
        }
        XCTAssertEqual(pattern, "closure")
        XCTAssertEqual(parameters, ["personId": "p-1"])
    }

    func testWrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = router().freeze().match(method: "PUT", path: "/persons/p-1") else {
            return XCTFail("expected 405")
        }
        XCTAssertEqual(allowed, ["DELETE", "GET", "HEAD"])
    }

    func testHeadUsesTheGetRoute() throws {
        XCTAssertEqual(try body(router().freeze().match(method: "HEAD", path: "/persons/search")), "search")
    }

    func testUnknownPaths() {
        for path in ["/nothing", "/persons", "/persons/", "/persons//closure", "/persons/a/b/c/d"] {
            guard case .notFound = router().freeze().match(method: "GET", path: path) else {
                return XCTFail("\(path) should not match")
            }
        }
    }

    func testDecodedSegmentsKeepEncodedSlashes() throws {
        guard case .found(_, _, let parameters, _) = router().freeze().match(method: "GET", segments: ["persons", "a/b"]) else {
            return XCTFail("no route found")
        }
        XCTAssertEqual(parameters["personId"], "a/b")
    }

    func testListsRoutesInOrder() {
        let routes = router().routes
        XCTAssertEqual(routes.count, 6)
        XCTAssertEqual(routes[0].method, "GET")
        XCTAssertEqual(routes[0].pattern, "/persons/{personId}")
        XCTAssertEqual(routes[3].pattern, "/persons/{personId}/closure")
    }
}
