import Foundation
import IASHTTP
import IASRuntime

/// A service's OpenAPI 3.1 document. The service refuses to start when the document and its
/// routes disagree, so the published document cannot drift from the code.
public struct OpenAPIDocument: Sendable {
    public let json: JSONValue

    public init(data: Data) throws {
        json = try JSONParser.parse(data)
        guard json["openapi"]?.stringValue?.hasPrefix("3.1") == true else {
            throw OpenAPIMismatch(problems: ["the document does not declare openapi 3.1.x"])
        }
    }

    /// `METHOD /path` for every operation in the document.
    public var operations: Set<String> { Set(operationObjects.map(\.key)) }

    /// `METHOD /path` and the operation object, for every operation in the document.
    private var operationObjects: [(key: String, operation: JSONValue)] {
        guard case .object(let paths)? = json["paths"] else { return [] }
        return paths.flatMap { path, item -> [(key: String, operation: JSONValue)] in
            guard case .object(let methods) = item else { return [] }
            return methods.filter { ["get", "put", "post", "delete", "patch"].contains($0.key) }
                .map { ("\($0.key.uppercased()) \(path)", $0.value) }
        }
    }

    /// Problems, empty when every route is documented and every documented operation routed.
    public func mismatches(with routes: [(method: String, pattern: String)]) -> [String] {
        let routed = Set(routes.map { "\($0.method) \($0.pattern)" })
        let documented = operations
        return routed.subtracting(documented).sorted().map { "route \($0) is not in the OpenAPI document" }
            + documented.subtracting(routed).sorted().map { "documented operation \($0) has no route" }
    }

    /// Problems, empty when every authenticated operation states the permission its route
    /// declares (`x-permission`) and the operational endpoints state none.
    public func mismatches(withPermissions declared: [String: String]) -> [String] {
        operationObjects.compactMap { key, operation in
            let documented = operation["x-permission"]?.stringValue
            guard documented != declared[key] else { return nil }
            return "\(key) documents x-permission \(documented ?? "none") but its route declares \(declared[key] ?? "none")"
        }.sorted()
    }
}

public struct OpenAPIMismatch: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "the OpenAPI document does not match the routes: " + problems.joined(separator: "; ") }
}
