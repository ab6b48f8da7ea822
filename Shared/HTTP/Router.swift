import IASRuntime

public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Maps method and path to a handler. Patterns are literal segments and `{name}` segments;
/// when several patterns match a path, the one whose first differing segment is literal wins
/// ("/persons/search" beats "/persons/{personId}"). Routes are added at start-up; `freeze()`
/// then turns them into the immutable `RouteTable` the server resolves every request against,
/// once, before it reads the body.
public final class Router: @unchecked Sendable {
    fileprivate enum Segment: Equatable {
        case literal(String)
        case parameter(String)
    }

    fileprivate struct Route {
        let method: String
        let pattern: String
        let name: String
        let segments: [Segment]
        let body: BodyPolicy
        let handler: HTTPHandler
    }

    private let table = Locked<(routes: [Route], frozen: Bool)>(([], false))

    public init() {}

    /// `name` (default: the pattern) labels the route in metrics and logs. `body` replaces the
    /// server's limits for this route's bodies: a larger limit (a bulk import, an upload), a
    /// longer time to arrive, slots shared by concurrent uploads.
    public func add(_ method: String, _ pattern: String, name: String? = nil, body: BodyPolicy = .standard,
                    _ handler: @escaping HTTPHandler) {
        let segments = Self.segments(ofPattern: pattern)
        let method = method.uppercased()
        table.withLock { table in
            precondition(!table.frozen, "route \(method) \(pattern) is added after the routes were frozen")
            // Two routes that match the same paths would make one of them dead code.
            precondition(!table.routes.contains { $0.method == method && Self.sameShape($0.segments, segments) },
                         "route \(method) \(pattern) is registered twice")
            table.routes.append(Route(method: method, pattern: pattern, name: name ?? pattern, segments: segments,
                                      body: body, handler: handler))
        }
    }

    /// The routes as they stand, for serving; no route can be added afterwards.
    public func freeze() -> RouteTable {
        RouteTable(routes: table.withLock { table in table.frozen = true; return table.routes })
    }

    public func get(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("GET", pattern, name: name, handler) }
    public func post(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("POST", pattern, name: name, handler) }
    public func delete(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("DELETE", pattern, name: name, handler) }

    /// Every route in registration order (the OpenAPI consistency test compares them).
    public var routes: [(method: String, pattern: String)] {
        table.current.routes.map { (method: $0.method, pattern: $0.pattern) }
    }

    /// What a request resolves to.
    public enum Match {
        /// `pattern` is the route's name: its pattern unless another name was given;
        /// `body` how its bodies are read.
        case found(HTTPHandler, pattern: String, parameters: [String: String], body: BodyPolicy)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    fileprivate static func resolve(_ routes: [Route], method: String, segments: [String]) -> Match {
        var best: (route: Route, parameters: [String: String])?
        var methods: [String] = []
        for route in routes {
            guard let parameters = Self.bind(route.segments, to: segments) else { continue }
            if !methods.contains(route.method) { methods.append(route.method) }
            // HEAD is answered by the GET handler (the server omits the body) unless a HEAD route exists.
            let serves = route.method == method || (method == "HEAD" && route.method == "GET")
            guard serves else { continue }
            if let current = best {
                let better = Self.moreSpecific(route.segments, than: current.route.segments)
                    || (Self.sameShape(route.segments, current.route.segments) && route.method == method)
                if !better { continue }
            }
            best = (route, parameters)
        }
        if let best {
            return .found(best.route.handler, pattern: best.route.name, parameters: best.parameters, body: best.route.body)
        }
        if methods.isEmpty { return .notFound }
        if methods.contains("GET"), !methods.contains("HEAD") { return .methodNotAllowed(allowed: (methods + ["HEAD"]).sorted()) }
        return .methodNotAllowed(allowed: methods.sorted())
    }

    // MARK: Patterns

    fileprivate static func segments(ofPattern pattern: String) -> [Segment] {
        precondition(pattern.hasPrefix("/"), "route pattern \(pattern) must start with /")
        return pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part in
            if part.hasPrefix("{"), part.hasSuffix("}"), part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            precondition(!part.contains("{") && !part.contains("}"), "route pattern \(pattern): a parameter must be a whole segment")
            return .literal(String(part))
        }
    }

    /// The parameter values when `segments` fit the pattern; parameters never match "".
    fileprivate static func bind(_ pattern: [Segment], to segments: [String]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (part, value) in zip(pattern, segments) {
            switch part {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                guard !value.isEmpty else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    /// True when, at the first segment where the two differ in kind, `a` is literal.
    fileprivate static func moreSpecific(_ a: [Segment], than b: [Segment]) -> Bool {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }

    fileprivate static func sameShape(_ a: [Segment], _ b: [Segment]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            switch (x, y) {
            case (.literal(let l), .literal(let r)): return l == r
            case (.parameter, .parameter): return true
            default: return false
            }
        }
    }
}

/// The routes of a server, frozen: read by every connection thread without a lock.
public struct RouteTable: @unchecked Sendable {
    fileprivate let routes: [Router.Route]

    /// `path` is split at "/" before matching; the server passes the decoded segments
    /// instead, so that an encoded "/" (%2F) stays inside its segment.
    public func match(method: String, path: String) -> Router.Match {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        return match(method: method, segments: trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    func match(method: String, segments: [String]) -> Router.Match {
        Router.resolve(routes, method: method, segments: segments)
    }

    /// Every distinct set of upload slots the routes name, for the server's metrics.
    var uploadSlots: [UploadSlots] {
        var all: [UploadSlots] = []
        for case let slots? in routes.map(\.body.slots) where !all.contains(where: { $0 === slots }) { all.append(slots) }
        return all
    }
}

extension RouteTable {
    /// Answers a request that has been read: `middleware` (the first outermost), then the
    /// route's handler or the 404/405 answer. The one path of the server's connections and of
    /// a caller in the same process; `match` when the route was resolved already (before the
    /// body was read, for its body policy). What escapes the middleware still becomes an answer.
    public func respond(to request: HTTPRequest, match: Router.Match? = nil, through middleware: [any Middleware<HTTPRequest>]) -> HTTPResponse {
        var request = request
        let handler: HTTPHandler
        switch match ?? self.match(method: request.method, path: request.path) {
        case .found(let found, let pattern, let parameters, _):
            request.pathParameters = parameters
            request.route = pattern
            handler = found
        case .methodNotAllowed(let allowed):
            let list = allowed.joined(separator: ", ")
            handler = { request in
                throw Problem.status(405, "This resource does not support \(request.method); it supports \(list).", headers: [("Allow", list)])
            }
        case .notFound:
            handler = { _ in throw Problem.notFound("There is no resource at this path.") }
        }
        do {
            return try middleware.respond(to: request, handler: handler)
        } catch {
            return (error as? Problem ?? Problem.status(500, "An internal error occurred; quote the request id \(request.requestId) when reporting it."))
                .response(requestId: request.requestId)
        }
    }
}
