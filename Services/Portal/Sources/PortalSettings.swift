import Foundation
import IASAuth
import IASHTTP
import IASHTTPClient
import IASRuntime

/// The portal's configuration: the common server and identity keys, the services' addresses
/// and the session's bounds. Every problem is reported at start, together.
public struct PortalSettings: Sendable {
    public let instanceId: String
    public let logLevel: Logger.Level
    public let http: HTTPServerConfiguration
    public let identity: IdentitySettings
    public let endpoints: [Service: ServiceEndpoint]
    public let backendTimeout: Double
    public let sessionLifetime: Double
    public let sessionIdleTimeout: Double
    public let secureCookies: Bool
    /// The header the identity provider's reverse proxy puts the user's access token in
    /// (oauth2-proxy: X-Forwarded-Access-Token); `Authorization: Bearer` is read as well.
    public let tokenHeader: String
    /// The local stack's sign-in list (a JSON file of users with their tokens); never in production.
    public let developmentUsersFile: String?
    /// Where the browser reaches the portal ("https://ias.example.ch"), for the Origin check of forms.
    public let publicOrigin: String?
    public let maxUploadBytes: Int
    /// Where sign-out sends a user of the identity provider (the proxy ends its session there).
    public let signOutURL: String
    public let shutdownSeconds: Double

    public static let defaultPort = 8080

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PortalSettings {
        let reader = ConfigurationReader(environment: environment)
        let instance = InstanceSettings.read(from: reader)
        var http = HTTPServerConfiguration.read(from: reader, defaultPort: defaultPort)
        http.gracePeriod = 5
        let identity = IdentitySettings.read(from: reader)
        let urls: [Service: String] = [
            .intake: reader.string("IAS_PORTAL_INTAKE_URL", default: "http://127.0.0.1:8081"),
            .assessment: reader.string("IAS_PORTAL_ASSESSMENT_URL", default: "http://127.0.0.1:8082"),
            .plan: reader.string("IAS_PORTAL_PLAN_URL", default: "http://127.0.0.1:8083"),
            .costs: reader.string("IAS_PORTAL_COSTS_URL", default: "http://127.0.0.1:8084"),
            .coordination: reader.string("IAS_PORTAL_COORDINATION_URL", default: "http://127.0.0.1:8085"),
        ]
        var endpoints: [Service: ServiceEndpoint] = [:]
        for service in Service.allCases {
            let url = urls[service] ?? ""
            if let endpoint = ServiceEndpoint(url: url) { endpoints[service] = endpoint } else {
                reader.report("IAS_PORTAL_\(service.rawValue.uppercased())_URL=\(url.prefix(100)) is not an address of the form http://host:port")
            }
        }
        let timeout = reader.double("IAS_PORTAL_BACKEND_TIMEOUT_SECONDS", default: 10, range: 0.5...120)
        let lifetime = reader.int("IAS_PORTAL_SESSION_SECONDS", default: 28_800, range: 300...86_400)
        let idle = reader.int("IAS_PORTAL_SESSION_IDLE_SECONDS", default: 1_800, range: 60...86_400)
        let secure = reader.bool("IAS_PORTAL_SECURE_COOKIES", default: true)
        let tokenHeader = reader.string("IAS_PORTAL_TOKEN_HEADER", default: "X-Forwarded-Access-Token")
        let usersFile = reader.string("IAS_PORTAL_DEV_USERS_FILE", default: "")
        let origin = reader.string("IAS_PORTAL_PUBLIC_ORIGIN", default: "")
        let maxUpload = reader.int("IAS_PORTAL_MAX_UPLOAD_BYTES", default: 20_000_000, range: 1024...(64 << 20))
        let signOut = reader.string("IAS_PORTAL_SIGN_OUT_URL", default: "/oauth2/sign_out")
        let shutdown = reader.double("IAS_SHUTDOWN_SECONDS", default: 10, range: 1...300)

        if identity.environment == .production {
            if !usersFile.isEmpty {
                reader.report("IAS_PORTAL_DEV_USERS_FILE is set, but IAS_ENVIRONMENT=production signs users in through the identity provider's proxy only: the development sign-in lets anyone choose who they are. Remove IAS_PORTAL_DEV_USERS_FILE")
            }
            if !secure {
                reader.report("IAS_PORTAL_SECURE_COOKIES=false is for the local stack on plain HTTP; in production the session cookie is sent over HTTPS only")
            }
            if origin.isEmpty {
                reader.report("IAS_PORTAL_PUBLIC_ORIGIN is not set: in production the portal checks that forms come from its own address (e.g. https://ias.example.ch)")
            }
        }
        if !origin.isEmpty, !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) || origin.hasSuffix("/") {
            reader.report("IAS_PORTAL_PUBLIC_ORIGIN=\(origin.prefix(100)) must be a scheme and host without a path, e.g. https://ias.example.ch")
        }
        try reader.validate()
        return PortalSettings(
            instanceId: instance.instanceId, logLevel: instance.logLevel, http: http, identity: identity, endpoints: endpoints,
            backendTimeout: timeout, sessionLifetime: Double(lifetime), sessionIdleTimeout: Double(idle), secureCookies: secure,
            tokenHeader: tokenHeader, developmentUsersFile: usersFile.isEmpty ? nil : usersFile,
            publicOrigin: origin.isEmpty ? nil : origin, maxUploadBytes: maxUpload, signOutURL: signOut, shutdownSeconds: shutdown)
    }
}
