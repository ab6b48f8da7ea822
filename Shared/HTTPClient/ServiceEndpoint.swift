/// Where a service listens, from a configuration key such as `IAS_PORTAL_<SERVICE>_URL`
/// ("http://host:port"): the portal's calls, coordination's gathering of a person's export.
public struct ServiceEndpoint: Sendable, Equatable {
    public let host: String
    public let port: Int

    /// Plain http only: the services talk to each other inside the cluster; TLS ends at the ingress.
    public init?(url: String) {
        guard url.hasPrefix("http://") else { return nil }
        var rest = url.dropFirst("http://".count)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/"), let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
              (1...65535).contains(port), colon > rest.startIndex else { return nil }
        host = String(rest[..<colon])
        self.port = port
    }
}
