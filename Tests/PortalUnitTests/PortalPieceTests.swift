import Foundation
@testable import PortalService
import IASAuth
import IASHTTP
import IASRuntime
import XCTest

/// The portal's pure parts: escaping, languages, texts, sessions, CSRF, redirects, form checks.
final class PortalPieceTests: XCTestCase {
    func testInterpolatedTextIsEscapedAndMarkupIsNot() {
        let name = "<script>alert('x')</script> & \"Ali\""
        let cell: HTML = "<td>\(name)</td>"
        XCTAssertEqual(cell.text, "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Ali&quot;</td>")
        let row: HTML = "<tr>\(cell)</tr>"
        XCTAssertEqual(row.text, "<tr>" + cell.text + "</tr>", "markup is inserted as it is")
    }

    func testLanguageFromQueryCookieThenAcceptLanguage() {
        XCTAssertEqual(Language.negotiate(query: nil, cookie: nil, acceptLanguage: nil), .de)
        XCTAssertEqual(Language.negotiate(query: nil, cookie: nil, acceptLanguage: "fr-CH, fr;q=0.9, en;q=0.8"), .fr)
        XCTAssertEqual(Language.negotiate(query: nil, cookie: nil, acceptLanguage: "es, it;q=0.5, en;q=0.7"), .en)
        XCTAssertEqual(Language.negotiate(query: nil, cookie: nil, acceptLanguage: "es, pt"), .de)
        XCTAssertEqual(Language.negotiate(query: nil, cookie: "it", acceptLanguage: "fr"), .it)
        XCTAssertEqual(Language.negotiate(query: "EN", cookie: "it", acceptLanguage: "fr"), .en)
        XCTAssertEqual(Language.negotiate(query: "xx", cookie: nil, acceptLanguage: "fr;q=0"), .de, "q=0 means not acceptable")
    }

    func testTheFourCataloguesHaveTheSameKeysAndPlaceholders() throws {
        let messages = try Messages.bundled()
        let german = messages.keys(of: .de)
        XCTAssertGreaterThan(german.count, 300)
        for language in Language.allCases {
            XCTAssertEqual(messages.keys(of: language), german, "\(language) lacks or adds keys")
            for key in german {
                XCTAssertEqual(placeholders(messages.text(key, language)), placeholders(messages.text(key, .de)), "\(language): \(key)")
            }
        }
    }

    /// Every key a page asks for with a literal exists, so no page shows a bare key.
    func testEveryLiteralKeyOfThePagesIsInTheCatalogue() throws {
        let messages = try Messages.bundled()
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Services/Portal/Sources").standardized
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        XCTAssertGreaterThan(files.count, 10)
        let pattern = try NSRegularExpression(pattern: #"\bt\("([a-zA-Z0-9_.]+)""#)
        var checked = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                XCTAssertTrue(messages.has(key, in: .de), "\(file.lastPathComponent) asks for \(key), which no catalogue has")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
        for form in CaseForms.all.map(\.form) + [CaseForms.register] {
            XCTAssertTrue(messages.has(form.titleKey, in: .de), form.id)
            XCTAssertTrue(messages.has("form.\(form.id).submit", in: .de), form.id)
            XCTAssertTrue(messages.has("done.\(form.id)", in: .de), form.id)
            for field in form.fields { XCTAssertTrue(messages.has("field.\(field.name)", in: .de), "field.\(field.name)") }
        }
    }

    func testPlaceholdersAreFilledInOnePass() {
        XCTAssertEqual(Messages.fill("Fall von {name} ({n})", ["name": "A {n} B", "n": "3"]), "Fall von A {n} B (3)",
                       "a value is not filled again")
        XCTAssertEqual(Messages.fill("{unknown} bleibt", [:]), "{unknown} bleibt")
        XCTAssertEqual(Messages.fill("offen {", ["x": "y"]), "offen {")
    }

    func testSessionsEndAfterIdleTimeLifetimeOrTokenExpiry() {
        let store = SessionStore(lifetime: 3600, idleTimeout: 600, capacity: 2)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let principal = Principal(subject: "u", organisation: "municipality:4001", roles: ["caseworker"], expiresAt: start.addingTimeInterval(1800))
        let session = store.start(token: "t", principal: principal, origin: .development, now: start)
        XCTAssertEqual(session.expiresAt, start.addingTimeInterval(1800), "the token's expiry bounds the session")
        XCTAssertNotNil(store.resume(session.id, now: start.addingTimeInterval(500)))
        XCTAssertNotNil(store.resume(session.id, now: start.addingTimeInterval(1000)), "seen 500 s ago")
        XCTAssertNil(store.resume(session.id, now: start.addingTimeInterval(1700)), "idle for 700 s")
        let second = store.start(token: "t", principal: principal, origin: .development, now: start)
        XCTAssertNil(store.resume(second.id, now: start.addingTimeInterval(1801)), "the token expired")
        XCTAssertNotEqual(session.id, second.id)
        XCTAssertEqual(session.id.count, 43, "32 random bytes")
        // At capacity, the least recently seen session makes room.
        let a = store.start(token: "a", principal: principal, origin: .development, now: start)
        let b = store.start(token: "b", principal: principal, origin: .development, now: start.addingTimeInterval(1))
        _ = store.resume(a.id, now: start.addingTimeInterval(2))
        let c = store.start(token: "c", principal: principal, origin: .development, now: start.addingTimeInterval(3))
        XCTAssertNotNil(store.resume(a.id, now: start.addingTimeInterval(4)))
        XCTAssertNil(store.resume(b.id, now: start.addingTimeInterval(4)))
        XCTAssertNotNil(store.resume(c.id, now: start.addingTimeInterval(4)))
    }

    func testCSRFWantsTheTokenAndASameOriginRequest() {
        let same = HTTPHeaders([("Sec-Fetch-Site", "same-origin"), ("Origin", "https://ias.example.ch")])
        XCTAssertTrue(CSRF.check(submitted: "abc", expected: "abc", headers: same, ownOrigin: "https://ias.example.ch"))
        XCTAssertFalse(CSRF.check(submitted: "abd", expected: "abc", headers: same, ownOrigin: nil))
        XCTAssertFalse(CSRF.check(submitted: nil, expected: "abc", headers: same, ownOrigin: nil))
        XCTAssertFalse(CSRF.check(submitted: "abc", expected: "abc", headers: HTTPHeaders([("Sec-Fetch-Site", "cross-site")]), ownOrigin: nil))
        XCTAssertFalse(CSRF.check(submitted: "abc", expected: "abc", headers: HTTPHeaders([("Origin", "https://evil.example")]),
                                  ownOrigin: "https://ias.example.ch"))
    }

    func testRedirectAfterSignInStaysOnThePortal() {
        XCTAssertEqual(SignInPages.safeNext("/cases/1"), "/cases/1")
        XCTAssertEqual(SignInPages.safeNext("//evil.example/x"), "/queue")
        XCTAssertEqual(SignInPages.safeNext("https://evil.example"), "/queue")
        XCTAssertEqual(SignInPages.safeNext("/\\evil.example"), "/queue")
        XCTAssertEqual(SignInPages.safeNext(nil), "/queue")
    }

    func testOrganisationsAreNamedAsPeopleKnowThem() throws {
        let messages = try Messages.bundled()
        func label(_ org: String) -> String { Organisations.label(org) { messages.text($0, .de, $1) } }
        XCTAssertEqual(label("municipality:4001"), messages.text("org.municipality", .de, ["bfs": "4001"]))
        XCTAssertTrue(label("municipality:4001").contains("4001"))
        XCTAssertTrue(label("canton:KSD").contains("KSD"))
        XCTAssertTrue(label("delegate:caritas:4001").contains("caritas") && label("delegate:caritas:4001").contains("4001"))
        XCTAssertEqual(label("system"), messages.text("org.system", .de, [:]))
        XCTAssertNotEqual(label("system"), "system")
        XCTAssertEqual(label("municipality:04001"), "municipality:04001", "what is no organisation is shown as stored")
        XCTAssertEqual(label("canton:XYZ"), "canton:XYZ")
    }

    func testFormsAreCheckedInTheUsersLanguageBeforeAnyServiceIsAsked() throws {
        let t = Translator(messages: try Messages.bundled(), language: .fr)
        var input = FormInput(fields: URLEncodedForm(pairs: [("heldOn", "31.02.2026"), ("outcome", "on_track"), ("notes", "  ")]), files: [:])
        var checked = CheckedForm.check(CaseForms.review, input: input, t: t)
        XCTAssertEqual(Set(checked.errors.keys), ["heldOn", "notes"])
        XCTAssertEqual(checked.errors["heldOn"]?.text, t("invalid.date"))
        XCTAssertNotEqual(t("invalid.date"), Translator(messages: try Messages.bundled(), language: .de)("invalid.date"))

        input = FormInput(fields: URLEncodedForm(pairs: [
            ("kind", "short"), ("heldOn", "2.12.2026"), ("languageLevels.listening", "A1"), ("languageLevels.speaking", "A2"),
            ("languageLevels.reading", "none"), ("languageLevels.writing", "A1"), ("literate", "yes"), ("schoolYears", "6"),
            ("vocationalYears", "0"), ("healthRestriction", "none"), ("childcareDuties", "no"),
        ]), files: [:])
        checked = CheckedForm.check(CaseForms.assessment, input: input, t: t)
        XCTAssertEqual(checked.errors.count, 0)
        XCTAssertEqual(checked.body["heldOn"], .string("2026-12-02"))
        XCTAssertEqual(checked.body["literate"], .bool(true))
        XCTAssertEqual(checked.body["schoolYears"], .number(6))
        XCTAssertEqual(checked.body["languageLevels"]?["speaking"], .string("A2"), "dotted names make nested members")

        input = FormInput(fields: URLEncodedForm(pairs: [("measureId", UUID().uuidString), ("amountRappen", "1’250.50"), ("justification", "x")]), files: [:])
        checked = CheckedForm.check(CaseForms.costRequest, input: input, t: t)
        XCTAssertEqual(checked.body["amountRappen"], .number(125_050))
        input = FormInput(fields: URLEncodedForm(pairs: [("givenName", "A"), ("languages", "ti, ar ,")]), files: [:])
        checked = CheckedForm.check(CaseForms.register, input: input, t: t)
        XCTAssertEqual(checked.body["languages"], .array([.string("ti"), .string("ar")]))
        XCTAssertNil(checked.errors["duplicateOverride.reason"], "asked for only after a likely duplicate")
    }

    private func placeholders(_ text: String) -> Set<String> {
        var result: Set<String> = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result.insert(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return result
    }
}
