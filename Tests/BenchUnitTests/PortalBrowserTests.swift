import Foundation
import IASHTTP
@testable import ias_bench
import XCTest

/// What the portal phase reads from the pages: the fields of a form (CSRF token,
/// Idempotency-Key, prefilled values), the rows of a case page's section, and forms as a
/// browser encodes them.
final class PortalBrowserTests: XCTestCase {
    let formPage = """
        <header><form method="post" action="/sign-out" class="inline"><input type="hidden" name="_csrf" value="tok-A_1"><button type="submit" class="link">Abmelden</button></form></header>
        <main><form method="post" class="stack" id="form-review" novalidate>
        <input type="hidden" name="_csrf" value="tok-A_1">
        <input type="hidden" name="_idem" value="2b5e0c1e-3a4f-4c1e-9a61-7d7c0f6f8a11">
        <div class="field"><label for="f-heldOn">Datum</label>
        <input type="text" id="f-heldOn" name="heldOn" value="02.03.2026" required aria-required="true" autocomplete="off">
        </div>
        <select id="f-outcome" name="outcome"><option value=""></option><option value="on_track">Auf Kurs</option></select>
        <textarea id="f-notes" name="notes"></textarea>
        <input type="text" id="f-x" name="quoted" value="a &amp; &quot;b&quot;">
        <button type="submit">Speichern</button>
        </form></main>
        """

    func testTheFieldsOfTheFormAreReadWithTheirValues() throws {
        let form = try XCTUnwrap(PortalBrowser.section(formOf: "review", in: formPage))
        let fields = PortalBrowser.inputs(in: String(form))
        XCTAssertEqual(fields.map(\.0), ["_csrf", "_idem", "heldOn", "quoted"], "only the form's own inputs, not the sign-out form's")
        XCTAssertEqual(fields[1].1, "2b5e0c1e-3a4f-4c1e-9a61-7d7c0f6f8a11")
        XCTAssertEqual(fields[2].1, "02.03.2026")
        XCTAssertEqual(fields[3].1, "a & \"b\"")
    }

    func testRowsOfASectionAreCountedWithoutItsHeader() {
        let page = """
            <section id="plan" aria-labelledby="plan-h"><table><tbody><tr><td>x</td></tr></tbody></table></section>
            <section id="reviews" aria-labelledby="reviews-h"><h2 id="reviews-h">Standortbestimmungen</h2><table><thead><tr><th scope="col">Datum</th></tr></thead>
            <tbody><tr><td>02.03.2026</td></tr><tr><td>01.03.2026</td></tr></tbody></table></section>
            <section id="budget"><tr><td>y</td></tr></section>
            """
        XCTAssertEqual(PortalBrowser.rows(inSection: "reviews", of: page), 2)
        XCTAssertEqual(PortalBrowser.rows(inSection: "budget", of: page), 1)
        XCTAssertEqual(PortalBrowser.rows(inSection: "reviews", of: "<section id=\"reviews\"><p class=\"muted\">Keine</p></section>"), 0)
        XCTAssertNil(PortalBrowser.rows(inSection: "reviews", of: "<main>sign in</main>"), "not a case page")
    }

    func testFormsAreEncodedAsTheServerReadsThem() throws {
        let pairs = [("note", "bench review 7"), ("on", "02.03.2026"), ("text", "a&b=c/ü"), ("_csrf", "tok-A_1")]
        let form = URLEncodedForm(pairs: pairs.map { (name: $0.0, value: $0.1) })
        XCTAssertEqual(form.encoded, "note=bench%20review%207&on=02.03.2026&text=a%26b%3Dc%2F%C3%BC&_csrf=tok-A_1")
        let read = try URLEncodedForm.parse(body: Array(form.encoded.utf8), contentType: "application/x-www-form-urlencoded")
        XCTAssertEqual(read, form)
    }
}
