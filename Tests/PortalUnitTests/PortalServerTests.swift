import Foundation
@testable import PortalService
import IASAuth
import IASHTTP
import IASHTTPClient
import IASRuntime
import IASTokenSigning
import XCTest

/// The portal as a browser meets it, in the test process, with every service out of reach:
/// what it does before and around the services' answers.
final class PortalServerTests: XCTestCase {
    static let secret = "portal-unit-test-secret-0123456789abcdef"
    private var running: WorkerThread!
    private var portal: Portal!
    private var port = 0
    private var usersFile = ""

    override func setUpWithError() throws {
        let signer = JWTSigner(keys: try JWTKeySet.parse(Self.secret))
        let token = try signer.sign(subject: "m4001", organisation: "municipality:4001", roles: ["caseworker"], expiresIn: 600)
        usersFile = NSTemporaryDirectory() + "portal-users-\(UUID().uuidString).json"
        try Data(#"[{"id": "m4001", "label": "Gemeinde 4001", "token": "\#(token)"}]"#.utf8).write(to: URL(fileURLWithPath: usersFile))
        // Port 9 (discard) on loopback: nothing listens, so every call to a service fails at once.
        var environment = ["IAS_JWT_SECRET": Self.secret, "IAS_HTTP_PORT": "0", "IAS_HTTP_HOST": "127.0.0.1",
                           "IAS_PORTAL_DEV_USERS_FILE": usersFile, "IAS_LOG_LEVEL": "error"]
        for service in Service.allCases { environment["IAS_PORTAL_\(service.rawValue.uppercased())_URL"] = "http://127.0.0.1:9" }
        portal = try Portal(settings: PortalSettings.load(environment: environment))
        let server = portal.server()
        running = try WorkerThread.start(server)
        port = server.boundPort
    }

    override func tearDown() {
        _ = running?.stop(within: 5)
        try? FileManager.default.removeItem(atPath: usersFile)
    }

    private func client() -> HTTPClient { HTTPClient(port: port, readTimeout: 5) }

    private func cookie(_ name: String, in response: HTTPClientResponse) -> String? {
        for header in response.headers.values("Set-Cookie") where header.hasPrefix(name + "=") {
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    /// Signs in through the development list; returns the session cookie.
    private func signIn(_ client: HTTPClient) throws -> String {
        let page = try client.request("GET", "/sign-in")
        let csrf = try XCTUnwrap(cookie(Cookies.signInCSRF, in: page))
        XCTAssertTrue(page.text.contains("value=\"\(csrf)\""), "the form carries the cookie's token")
        let answer = try client.request("POST", "/sign-in", headers: [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "\(Cookies.signInCSRF)=\(csrf)"),
        ], body: Array("_csrf=\(csrf)&user=m4001&next=%2Fcases".utf8))
        XCTAssertEqual(answer.status, 303)
        XCTAssertEqual(answer.header("Location"), "/cases")
        let setCookie = try XCTUnwrap(answer.headers.values("Set-Cookie").first { $0.hasPrefix(Cookies.session + "=") })
        for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] { XCTAssertTrue(setCookie.contains(attribute), setCookie) }
        return try XCTUnwrap(cookie(Cookies.session, in: answer))
    }

    func testPagesWithoutASessionGoToTheSignIn() throws {
        let answer = try client().request("GET", "/queue")
        XCTAssertEqual(answer.status, 303)
        XCTAssertEqual(answer.header("Location"), "/sign-in?next=%2Fqueue")
        let post = try client().request("POST", "/cases", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("familyName=X".utf8))
        XCTAssertEqual(post.status, 401, "a form without a session changes nothing")
    }

    func testEveryAnswerCarriesTheSecurityHeaders() throws {
        let answer = try client().request("GET", "/sign-in")
        XCTAssertEqual(answer.status, 200)
        let policy = try XCTUnwrap(answer.header("Content-Security-Policy"))
        XCTAssertTrue(policy.contains("default-src 'none'"))
        XCTAssertFalse(policy.contains("script-src"), "no script at all")
        XCTAssertTrue(policy.contains("frame-ancestors 'none'"))
        XCTAssertEqual(answer.header("X-Frame-Options"), "DENY")
        XCTAssertEqual(answer.header("Cache-Control"), "no-store")
        XCTAssertEqual(answer.header("Referrer-Policy"), "no-referrer")
        XCTAssertTrue(answer.text.contains("<html lang=\"de\">"))
        XCTAssertFalse(answer.text.contains("<script"), "no script on the page")
    }

    func testSignInWithAForeignFormIsRefused() throws {
        let client = client()
        _ = try client.request("GET", "/sign-in")
        let answer = try client.request("POST", "/sign-in", headers: [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "\(Cookies.signInCSRF)=aaaa"),
        ], body: Array("_csrf=bbbb&user=m4001".utf8))
        XCTAssertEqual(answer.status, 403)
        XCTAssertNil(cookie(Cookies.session, in: answer))
    }

    func testAServiceOutOfReachIsAPageWith503NotACrash() throws {
        let client = client()
        let session = try signIn(client)
        let answer = try client.request("GET", "/queue", headers: [("Cookie", "\(Cookies.session)=\(session)")])
        XCTAssertEqual(answer.status, 503)
        XCTAssertNotNil(answer.header("Retry-After"))
        XCTAssertTrue(answer.text.contains("Dienst nicht erreichbar"), answer.text)
        XCTAssertTrue(answer.text.contains("Gemeinde 4001"), "the frame shows who is signed in")
    }

    func testFormsNeedTheSessionsCSRFToken() throws {
        let client = client()
        let session = try signIn(client)
        let cookieHeader = ("Cookie", "\(Cookies.session)=\(session)")
        let refused = try client.request("POST", "/sign-out", headers: [cookieHeader, ("Content-Type", "application/x-www-form-urlencoded")],
                                         body: Array("_csrf=wrong".utf8))
        XCTAssertEqual(refused.status, 403)
        XCTAssertNotNil(portal.sessions.resume(session), "a refused form changes nothing")
        let token = try XCTUnwrap(portal.sessions.resume(session)?.csrfToken)
        let signedOut = try client.request("POST", "/sign-out", headers: [cookieHeader, ("Content-Type", "application/x-www-form-urlencoded")],
                                           body: Array("_csrf=\(token)".utf8))
        XCTAssertEqual(signedOut.status, 303)
        XCTAssertNil(portal.sessions.resume(session))
        XCTAssertEqual(try client.request("GET", "/queue", headers: [cookieHeader]).status, 303, "back to the sign-in")
    }

    func testASearchIsCheckedBeforeIntakeIsAsked() throws {
        let client = client()
        let session = try signIn(client)
        let csrf = try XCTUnwrap(portal.sessions.resume(session)?.csrfToken)
        let answer = try client.request("POST", "/cases", headers: [
            ("Cookie", "\(Cookies.session)=\(session)"), ("Content-Type", "application/x-www-form-urlencoded"), ("Accept-Language", "fr"),
        ], body: Array("_csrf=\(csrf)&familyName=M%C3%BCller&dateOfBirth=32.13.1990".utf8))
        XCTAssertEqual(answer.status, 422, "the bad date is found before intake is asked (which is out of reach)")
        XCTAssertTrue(answer.text.contains("<html lang=\"fr\">"))
        XCTAssertTrue(answer.text.contains("value=\"Müller\""), "what was typed stays")
        XCTAssertTrue(answer.text.contains("value=\"32.13.1990\""))
        XCTAssertTrue(answer.text.contains("id=\"f-dateOfBirth-error\""))
        XCTAssertTrue(answer.text.contains("aria-invalid=\"true\""))
    }

    func testTheProxysTokenSignsInWithoutAForm() throws {
        let signer = JWTSigner(keys: try JWTKeySet.parse(Self.secret))
        let token = try signer.sign(subject: "approver", organisation: "canton:KSD", roles: ["caseworker", "approver"], expiresIn: 600)
        let answer = try client().request("GET", "/sign-in", headers: [("X-Forwarded-Access-Token", token)])
        XCTAssertEqual(answer.status, 303)
        XCTAssertNotNil(cookie(Cookies.session, in: answer))
        let bad = try client().request("GET", "/queue", headers: [("X-Forwarded-Access-Token", token + "x")])
        XCTAssertEqual(bad.status, 401)
        XCTAssertNil(cookie(Cookies.session, in: bad))
    }

    func testTheStylesheetIsCachedAndRevalidated() throws {
        let first = try client().request("GET", "/static/portal.css")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.header("Content-Type"), "text/css; charset=utf-8")
        let tag = try XCTUnwrap(first.header("ETag"))
        XCTAssertEqual(try client().request("GET", "/static/portal.css", headers: [("If-None-Match", tag)]).status, 304)
        XCTAssertEqual(try client().request("GET", "/static/portal.css", headers: [("If-None-Match", "\"old\", W/\(tag)")]).status, 304,
                       "a list, and the weak form of the tag (as a proxy may send it)")
        XCTAssertEqual(try client().request("GET", "/static/portal.css", headers: [("If-None-Match", "\"old\"")]).status, 200)
    }

    func testTheInstanceNameAndTheLogLevelAreReadAsTheServicesReadThem() throws {
        let settings = try PortalSettings.load(environment: ["IAS_JWT_SECRET": Self.secret, "IAS_INSTANCE_ID": "portal-2", "IAS_LOG_LEVEL": "warning"])
        XCTAssertEqual(settings.instanceId, "portal-2")
        XCTAssertEqual(settings.logLevel, .warning)
        XCTAssertThrowsError(try PortalSettings.load(environment: ["IAS_JWT_SECRET": Self.secret, "IAS_LOG_LEVEL": "warn"])) { error in
            XCTAssertEqual((error as? ConfigurationError)?.problems, ["IAS_LOG_LEVEL=warn must be one of debug, info, warning, error"])
        }
    }

    func testProductionRefusesTheDevelopmentSignIn() {
        let environment = ["IAS_ENVIRONMENT": "production", "IAS_JWT_JWKS_FILE": "/nonexistent.json", "IAS_JWT_ISSUER": "https://idp",
                           "IAS_JWT_AUDIENCE": "ias", "IAS_PORTAL_DEV_USERS_FILE": usersFile, "IAS_PORTAL_SECURE_COOKIES": "false"]
        XCTAssertThrowsError(try PortalSettings.load(environment: environment)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("IAS_PORTAL_DEV_USERS_FILE"), text)
            XCTAssertTrue(text.contains("IAS_PORTAL_SECURE_COOKIES"), text)
            XCTAssertTrue(text.contains("IAS_PORTAL_PUBLIC_ORIGIN"), text)
        }
    }
}
