import Foundation
import IASHTTP
import IASHTTPClient
import IASRuntime
import TestSupport

/// One case worker's browser against the portal, as far as the portal can tell: one kept-alive
/// connection, a cookie jar (the session cookie the sign-in sets), the headers a browser sends
/// with a same-origin form, and forms sent as `application/x-www-form-urlencoded` with the
/// hidden fields the page put in them (CSRF token, Idempotency-Key). It follows no redirect by
/// itself: the caller times each request.
final class PortalBrowser: @unchecked Sendable {
    let port: Int
    private let client: HTTPClient
    private var cookies: [String: String] = [:]

    init(port: Int, readTimeout: Double = 30) {
        self.port = port
        client = HTTPClient(port: port, readTimeout: readTimeout)
    }

    var origin: String { "http://127.0.0.1:\(port)" }

    func close() { client.close() }

    func get(_ path: String) throws -> HTTPClientResponse {
        let response = try client.request("GET", path, headers: headers(navigation: true))
        keepCookies(response)
        return response
    }

    func post(_ path: String, form: [(String, String)]) throws -> HTTPClientResponse {
        var fields = headers(navigation: true)
        fields.append(("Content-Type", "application/x-www-form-urlencoded"))
        fields.append(("Origin", origin))
        let body = URLEncodedForm(pairs: form.map { (name: $0.0, value: $0.1) }).encoded
        let response = try client.request("POST", path, headers: fields, body: Array(body.utf8))
        keepCookies(response)
        return response
    }

    /// Signs in on the local stack's development sign-in as the demo user `user`: the sign-in
    /// page sets its double-submit cookie, the form sends it back, the answer sets the session.
    func signIn(user: String) throws {
        let page = try get("/sign-in")
        guard page.status == 200 else { throw TestFailure("GET /sign-in answered \(page.status)") }
        let fields = Self.inputs(in: page.text)
        guard let token = fields.first(where: { $0.0 == "_csrf" })?.1 else { throw TestFailure("the sign-in page has no CSRF field (is IAS_PORTAL_DEV_USERS_FILE set?)") }
        let answer = try post("/sign-in", form: [("_csrf", token), ("next", "/queue"), ("user", user)])
        guard answer.status == 303, cookies["ias_session"] != nil else {
            throw TestFailure("POST /sign-in as \(user) answered \(answer.status) without a session: \(answer.text.prefix(300))")
        }
    }

    private func headers(navigation: Bool) -> [(String, String)] {
        var fields: [(String, String)] = [("Accept", "text/html,application/xhtml+xml"), ("Accept-Language", "de-CH,de;q=0.9,en;q=0.8"),
                                          ("User-Agent", "ias-bench portal browser")]
        if navigation { fields.append(("Sec-Fetch-Site", "same-origin")) }
        if !cookies.isEmpty { fields.append(("Cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))) }
        return fields
    }

    private func keepCookies(_ response: HTTPClientResponse) {
        for header in response.headers.values("Set-Cookie") {
            let pair = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces), value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    // MARK: Reading pages

    /// The name and value of every `<input>` of `html` that has both, in page order (HTML
    /// entities of the value decoded as far as the portal writes them).
    static func inputs(in html: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var rest = html[...]
        while let start = rest.range(of: "<input ") {
            guard let end = rest[start.upperBound...].firstIndex(of: ">") else { break }
            let tag = rest[start.upperBound..<end]
            if let name = attribute("name", in: tag), let value = attribute("value", in: tag) { result.append((name, unescape(value))) }
            rest = rest[end...]
        }
        return result
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\"") ?? (tag.hasPrefix("\(name)=\"") ? tag.range(of: "\(name)=\"") : nil),
              let end = tag[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(tag[start.upperBound..<end])
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The markup of `<section id="…">` up to its end.
    static func section(_ id: String, in html: String) -> Substring? {
        guard let start = html.range(of: "<section id=\"\(id)\""), let end = html[start.upperBound...].range(of: "</section>") else { return nil }
        return html[start.lowerBound..<end.upperBound]
    }

    /// Rows of data (`<tr><td>`) in a section of a case page; nil when the page has no such section.
    static func rows(inSection id: String, of html: String) -> Int? {
        guard let section = section(id, in: html) else { return nil }
        return section.components(separatedBy: "<tr><td>").count - 1
    }
}
