import IASRuntime

/// Turns what a handler throws into an answer: a `Problem` as itself, another error through
/// `mapper` (an unavailable database into 503, say), anything else into a logged 500 that
/// names only the request id. Request data is never logged.
public struct ProblemResponses: HTTPMiddleware {
    let mapper: (@Sendable (Error) -> Problem?)?

    public init(mapper: (@Sendable (Error) -> Problem?)? = nil) { self.mapper = mapper }

    public func respond(to request: HTTPRequest, next: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        do {
            return try next(request)
        } catch let problem as Problem {
            return problem.response(requestId: request.requestId)
        } catch {
            let fields = ["errorType": String(describing: type(of: error)), "error": String(describing: error)]
            if let problem = mapper?(error) {
                request.logger.warning("request failed", fields.merging(["status": String(problem.status)]) { $1 })
                return problem.response(requestId: request.requestId)
            }
            request.logger.error("request failed with an unexpected error", fields)
            return Problem.status(500, "An internal error occurred; quote the request id \(request.requestId) when reporting it.")
                .response(requestId: request.requestId)
        }
    }
}
