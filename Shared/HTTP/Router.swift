import IASRuntime

public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// Maps method and path to a handler. Patterns are literal segments and `{name}` segments;
/// when several patterns match a path, the one whose first differing segment is literal wins
/// ("/persons/search" beats "/persons/{personId}"). Routes are added at start-up; matching
/// is safe from any thread.
public final class Router: @unchecked Sendable {
    private enum Segment: Equatable {
        case literal(String)
        case parameter(String)
    }

    private struct Route {
        let method: String
        let pattern: String
        let name: String
        let segments: [Segment]
        let maxBodyBytes: Int?
        let handler: HTTPHandler
    }

    private let table = Locked<[Route]>([])

    public init() {}

    /// `name` (default: the pattern) labels the route in metrics and logs. `maxBodyBytes`
    /// replaces the server's general body limit for this route (a bulk import may need more
    /// than every other route should accept).
    public func add(_ method: String, _ pattern: String, name: String? = nil, maxBodyBytes: Int? = nil,
                    _ handler: @escaping HTTPHandler) {
        let segments = Self.segments(ofPattern: pattern)
        let method = method.uppercased()
        table.withLock { routes in
            // Two routes that match the same paths would make one of them dead code.
            precondition(!routes.contains { $0.method == method && Self.sameShape($0.segments, segments) },
                         "route \(method) \(pattern) is registered twice")
            routes.append(Route(method: method, pattern: pattern, name: name ?? pattern, segments: segments,
                                maxBodyBytes: maxBodyBytes, handler: handler))
        }
    }

    public func get(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("GET", pattern, name: name, handler) }
    public func post(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("POST", pattern, name: name, handler) }
    public func put(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("PUT", pattern, name: name, handler) }
    public func patch(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("PATCH", pattern, name: name, handler) }
    public func delete(_ pattern: String, name: String? = nil, _ handler: @escaping HTTPHandler) { add("DELETE", pattern, name: name, handler) }

    /// Every route in registration order (the OpenAPI consistency test compares them).
    public var routes: [(method: String, pattern: String)] {
        table.current.map { (method: $0.method, pattern: $0.pattern) }
    }

    public enum Match {
        /// `pattern` is the route's name: its pattern unless another name was given.
        case found(HTTPHandler, pattern: String, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// `path` is split at "/" before matching; the server passes the decoded segments
    /// instead, so that an encoded "/" (%2F) stays inside its segment.
    public func match(method: String, path: String) -> Match {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        return match(method: method, segments: trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    func match(method: String, segments: [String]) -> Match {
        let (best, methods) = resolve(method: method, segments: segments)
        if let best {
            return .found(best.route.handler, pattern: best.route.name, parameters: best.parameters)
        }
        if methods.isEmpty { return .notFound }
        if methods.contains("GET"), !methods.contains("HEAD") { return .methodNotAllowed(allowed: (methods + ["HEAD"]).sorted()) }
        return .methodNotAllowed(allowed: methods.sorted())
    }

    /// The body limit of the route that will serve this request when that route has its own;
    /// the server asks before it reads the body.
    func maxBodyBytes(method: String, segments: [String]) -> Int? {
        resolve(method: method, segments: segments).best?.route.maxBodyBytes
    }

    /// The route serving the request, and every method the path supports.
    private func resolve(method: String, segments: [String]) -> (best: (route: Route, parameters: [String: String])?, methods: [String]) {
        let routes = table.current
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
        return (best, methods)
    }

    // MARK: Patterns

    private static func segments(ofPattern pattern: String) -> [Segment] {
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
    private static func bind(_ pattern: [Segment], to segments: [String]) -> [String: String]? {
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
    private static func moreSpecific(_ a: [Segment], than b: [Segment]) -> Bool {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }

    private static func sameShape(_ a: [Segment], _ b: [Segment]) -> Bool {
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
