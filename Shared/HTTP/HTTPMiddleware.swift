import IASRuntime

/// A step around every request the server has read, matched or not. The server runs its
/// middleware in the order it was given, the first outermost; `next` runs the rest and, last,
/// the route's handler (or the 404/405 answer). See `HTTPServer.standardMiddleware`.
public protocol HTTPMiddleware: Sendable {
    func respond(to request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse
}

extension Array where Element == any HTTPMiddleware {
    /// Runs `request` through every step, then `handler`.
    func respond(to request: HTTPRequest, handler: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        func step(_ index: Int, _ request: HTTPRequest) throws -> HTTPResponse {
            guard index < count else { return try handler(request) }
            return try self[index].respond(to: request) { try step(index + 1, $0) }
        }
        return try step(0, request)
    }
}
