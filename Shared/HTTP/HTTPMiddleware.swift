import IASRuntime

/// A step around a request on its way to its handler. A chain runs its steps in the order it
/// was given, the first outermost; `next` runs the rest and, last, the handler. The server's
/// chain takes every request it has read, matched or not (`HTTPServer.standardMiddleware`);
/// a service's chain for authenticated routes takes the request with its route
/// (`ServiceHost.routePipeline`). Both run through `respond(to:handler:)` below.
public protocol Middleware<Input>: Sendable {
    associatedtype Input
    func respond(to input: Input, next: (Input) throws -> HTTPResponse) throws -> HTTPResponse
}

/// A step of the server's chain.
public protocol HTTPMiddleware: Middleware where Input == HTTPRequest {}

extension Array {
    /// Runs `input` through every step, then `handler`.
    public func respond<Input>(to input: Input, handler: (Input) throws -> HTTPResponse) throws -> HTTPResponse
    where Element == any Middleware<Input> {
        func step(_ index: Int, _ input: Input) throws -> HTTPResponse {
            guard index < count else { return try handler(input) }
            return try self[index].respond(to: input) { try step(index + 1, $0) }
        }
        return try step(0, input)
    }
}
