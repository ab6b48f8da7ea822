import Foundation
import IASAuth
import IASHTTP
import IASRuntime

/// The portal: server-rendered pages for the case workers of the canton and the
/// municipalities. It keeps sessions and nothing else; every case datum comes from a service,
/// asked with the user's own token.
public final class Portal: @unchecked Sendable {
    public let settings: PortalSettings
    public let messages: Messages
    public let backends: Backends
    public let sessions: SessionStore
    public let verifier: JWTVerifier
    public let developmentUsers: DevelopmentUsers?
    public let logger: Logger
    public let metrics: MetricsRegistry
    let router = Router()

    public init(settings: PortalSettings, messages: Messages? = nil, logger: Logger? = nil) throws {
        self.settings = settings
        self.messages = try messages ?? Messages.bundled()
        let logger = logger ?? Logger(label: "portal", minimumLevel: settings.logLevel, fields: ["instance": settings.instanceId])
        self.logger = logger
        metrics = MetricsRegistry()
        backends = Backends(endpoints: settings.endpoints, timeout: settings.backendTimeout, metrics: metrics)
        sessions = SessionStore(lifetime: settings.sessionLifetime, idleTimeout: settings.sessionIdleTimeout)
        verifier = try settings.identity.verifier(logger: logger)
        developmentUsers = try settings.developmentUsersFile.map(DevelopmentUsers.load)
        if developmentUsers != nil {
            logger.warning("development sign-in is on: anyone who reaches the portal can choose a demo user (IAS_PORTAL_DEV_USERS_FILE); never in production")
        }
        metrics.gauge("portal_sessions", help: "Sessions held by this portal instance.") { [sessions] in
            [(labels: [:], value: Double(sessions.count))]
        }
        registerRoutes()
    }

    /// The HTTP server of the portal, ready to run.
    public func server() -> HTTPServer {
        HTTPServer(configuration: settings.http, router: router, logger: logger, metrics: metrics)
    }

    /// `ias-portal`: serves until SIGTERM or SIGINT.
    public static func main() -> Never {
        do {
            let portal = try Portal(settings: PortalSettings.load())
            let group = WorkerGroup("portal", [portal.server()], logger: portal.logger)
            group.runUntilTerminated(shutdownBound: portal.settings.shutdownSeconds)
        } catch {
            Logger(label: "portal").error("cannot start", ["error": String(describing: error)])
            exit(1)
        }
    }

    private func registerRoutes() {
        StaticRoutes.register(on: router, metrics: metrics)
        SignInPages.register(on: self)
        QueuePage.register(on: self)
        SearchPage.register(on: self)
        CasePage.register(on: self)
        IndicatorsPage.register(on: self)
        CaseForms.register(on: self)
        DocumentPages.register(on: self)
    }

    // MARK: Pages

    /// A page for signed-in users. A GET without a session goes to the sign-in; a POST must
    /// carry the session's CSRF token. The user's language, the security headers and
    /// `Cache-Control: no-store` are added to every answer; a service's refusal becomes a page.
    func page(_ method: String, _ pattern: String, body: BodyPolicy = .standard,
              _ handler: @escaping @Sendable (PageContext) throws -> HTTPResponse) {
        router.add(method, pattern, name: "portal " + pattern, body: body) { [unowned self] request in
            let language = self.language(of: request)
            var cookies = self.languageCookie(request)
            let resolved = self.session(for: request)
            if let cookie = resolved.cookie { cookies.append(cookie) }
            guard let session = resolved.session else {
                if let refusal = resolved.refusal {
                    return self.secured(ErrorPages.plain(status: 401, title: self.messages.text("error.signin.title", language),
                                                         detail: refusal, language: language, messages: self.messages), cookies: cookies)
                }
                if method == "GET" {
                    return self.secured(redirect("/sign-in?next=" + URLEncodedForm.escape(request.path)), cookies: cookies)
                }
                return self.secured(ErrorPages.plain(status: 401, title: self.messages.text("error.signin.title", language),
                                                     detail: self.messages.text("error.session.ended", language), language: language, messages: self.messages),
                                    cookies: cookies)
            }
            var form = FormInput.none
            if method != "GET" {
                do { form = try FormInput.read(request) } catch let problem as Problem {
                    return self.secured(ErrorPages.plain(status: problem.status, title: self.messages.text("error.form.title", language),
                                                         detail: problem.detail, language: language, messages: self.messages), cookies: cookies)
                }
                guard CSRF.check(submitted: form[CSRF.fieldName], expected: session.csrfToken, headers: request.headers,
                                 ownOrigin: self.settings.publicOrigin) else {
                    self.metrics.increment("portal_csrf_refused_total", help: "Forms refused for a missing or wrong CSRF token or a foreign origin.")
                    return self.secured(ErrorPages.plain(status: 403, title: self.messages.text("error.csrf.title", language),
                                                         detail: self.messages.text("error.csrf.detail", language), language: language, messages: self.messages),
                                        cookies: cookies)
                }
            }
            let context = PageContext(request: request, session: session, language: language, form: form, portal: self)
            let response: HTTPResponse
            do {
                response = try handler(context)
            } catch let error as BackendError {
                response = ErrorPages.backend(error, context: context)
            }
            return self.secured(response, cookies: cookies)
        }
    }

    /// The headers of every answer: no script at all, no framing, no sniffing, no referrer
    /// (case ids in paths stay here), nothing kept in caches.
    func secured(_ response: HTTPResponse, cookies: [String] = [], cache: String = "no-store") -> HTTPResponse {
        var response = response
        response.headers.set("Content-Security-Policy", Self.contentSecurityPolicy)
        response.headers.set("X-Content-Type-Options", "nosniff")
        response.headers.set("X-Frame-Options", "DENY")
        response.headers.set("Referrer-Policy", "no-referrer")
        if response.headers["Cache-Control"] == nil { response.headers.set("Cache-Control", cache) }
        for cookie in cookies { response.headers.add("Set-Cookie", cookie) }
        return response
    }

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    // MARK: Language

    func language(of request: HTTPRequest) -> Language {
        Language.negotiate(query: request.query["lang"], cookie: Cookies.value(Cookies.language, in: request.headers),
                           acceptLanguage: request.header("Accept-Language"))
    }

    /// A language chosen in the menu (`?lang=fr`) is remembered for a year.
    func languageCookie(_ request: HTTPRequest) -> [String] {
        guard let chosen = request.query["lang"].flatMap({ Language(rawValue: $0.lowercased()) }) else { return [] }
        return [Cookies.setCookie(Cookies.language, chosen.rawValue, secure: settings.secureCookies, maxAge: 31_536_000)]
    }

    // MARK: Sessions

    struct ResolvedSession {
        var session: Session?
        var cookie: String?
        var refusal: String?
    }

    /// The token the identity provider's proxy forwards wins: a new token of the same user
    /// renews the session, another user's starts a new one. Without it, the session cookie.
    func session(for request: HTTPRequest) -> ResolvedSession {
        let cookieId = Cookies.value(Cookies.session, in: request.headers)
        if let forwarded = forwardedToken(request) {
            switch verifier.verify(authorizationHeader: "Bearer " + forwarded) {
            case .failure(let error):
                return ResolvedSession(refusal: messages.text("error.signin.token", language(of: request), ["reason": error.description]))
            case .success(let principal):
                if let cookieId, let current = sessions.resume(cookieId), current.principal.subject == principal.subject,
                   current.principal.organisation == principal.organisation {
                    guard current.token != forwarded else { return ResolvedSession(session: current) }
                    return ResolvedSession(session: sessions.renew(cookieId, token: forwarded, principal: principal) ?? current)
                }
                let session = sessions.start(token: forwarded, principal: principal, origin: .proxy)
                return ResolvedSession(session: session, cookie: sessionCookie(session))
            }
        }
        guard let cookieId, let session = sessions.resume(cookieId) else { return ResolvedSession() }
        return ResolvedSession(session: session)
    }

    func forwardedToken(_ request: HTTPRequest) -> String? {
        if let value = request.header(settings.tokenHeader), !value.isEmpty { return value }
        if let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("bearer ") {
            return String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    func sessionCookie(_ session: Session) -> String {
        Cookies.setCookie(Cookies.session, session.id, secure: settings.secureCookies,
                          maxAge: max(1, Int(session.expiresAt.timeIntervalSinceNow)))
    }
}
