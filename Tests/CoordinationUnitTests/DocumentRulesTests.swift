import IASContracts
import IASHTTP
import IASRuntime
import XCTest
@testable import CoordinationService

/// The description of a document and the check of its bytes against the declared type.
final class DocumentRulesTests: XCTestCase {
    let today = CalendarDate("2026-11-22")!

    private func check(_ fields: [String: String]) -> (DocumentMetadata?, [String]) {
        let (metadata, errors) = DocumentRules.metadata(fields, today: today)
        return (metadata, errors.map(\.field))
    }

    func testAFullDescriptionIsTaken() throws {
        let linkId = Identifier()
        let (metadata, errors) = check(["category": "certificate", "certificateKind": "vocational", "title": "  EFZ Logistiker  ",
                                        "issuedOn": "2026-06-30", "linkKind": "measure", "linkId": linkId.description])
        XCTAssertEqual(errors, [])
        let m = try XCTUnwrap(metadata)
        XCTAssertEqual(m.category, .certificate)
        XCTAssertEqual(m.certificateKind, .vocational)
        XCTAssertEqual(m.title, "EFZ Logistiker", "the title is trimmed")
        XCTAssertEqual(m.issuedOn, CalendarDate("2026-06-30"))
        XCTAssertEqual(m.link, DocumentLink(kind: .measure, id: linkId))
    }

    func testEachWrongFieldIsNamed() {
        XCTAssertEqual(check([:]).1, ["category", "title"])
        XCTAssertEqual(check(["category": "passport", "title": "x"]).1, ["category"])
        XCTAssertEqual(check(["category": "certificate", "title": "x"]).1, ["certificateKind"])
        XCTAssertEqual(check(["category": "cv", "certificateKind": "school", "title": "x"]).1, ["certificateKind"])
        XCTAssertEqual(check(["category": "cv", "title": String(repeating: "a", count: 201)]).1, ["title"])
        XCTAssertEqual(check(["category": "cv", "title": "line\u{0}break"]).1, ["title"])
        XCTAssertEqual(check(["category": "cv", "title": "x", "issuedOn": "2026-11-23"]).1, ["issuedOn"], "issued in the future")
        XCTAssertEqual(check(["category": "cv", "title": "x", "issuedOn": "22.11.2026"]).1, ["issuedOn"])
        XCTAssertEqual(check(["category": "cv", "title": "x", "linkKind": "measure"]).1, ["linkId"])
        XCTAssertEqual(check(["category": "cv", "title": "x", "linkId": Identifier().description]).1, ["linkKind"])
        XCTAssertEqual(check(["category": "cv", "title": "x", "linkKind": "invoice", "linkId": Identifier().description]).1, ["linkKind"])
        XCTAssertEqual(check(["category": "cv", "title": "x", "linkKind": "measure", "linkId": "42"]).1, ["linkId"])
    }

    func testAListFilterTakesKnownValuesAndNamesTheOthers() {
        let id = Identifier()
        let (filter, errors) = DocumentRules.filter(["category": "cv", "linkKind": "consent", "linkId": id.description], after: nil, limit: 51)
        XCTAssertEqual(errors.map(\.field), [])
        XCTAssertEqual(filter.category, .cv)
        XCTAssertEqual(filter.linkKind, .consent)
        XCTAssertEqual(filter.linkId, id)
        XCTAssertEqual(filter.limit, 51)
        XCTAssertEqual(DocumentRules.filter(["category": "passport", "linkKind": "invoice", "linkId": "7"], after: nil, limit: 1).1.map(\.field),
                       ["category", "linkKind", "linkId"])
    }

    func testErrorsNameTheHeaderOfARawUpload() {
        let (_, errors) = DocumentRules.metadata(["title": "x"], today: today) { DocumentUpload.headers[$0] ?? $0 }
        XCTAssertEqual(errors.map(\.field), ["IAS-Document-Category"])
    }

    func testTheContentMustBeWhatItsTypeSays() {
        let pdf = Array("%PDF-1.7\n1 0 obj\n".utf8)[...]
        XCTAssertNoThrow(try DocumentUpload.checkContent(pdf, declared: "application/pdf"))
        XCTAssertNoThrow(try DocumentUpload.checkContent(pdf, declared: "Application/PDF; name=a.pdf"))
        XCTAssertEqual(status { try DocumentUpload.checkContent(pdf, declared: "image/png") }, 415)
        XCTAssertEqual(status { try DocumentUpload.checkContent(Array("hello".utf8)[...], declared: "text/plain") }, 415)
        XCTAssertEqual(status { try DocumentUpload.checkContent([][...], declared: "application/pdf") }, 400)
    }

    func testAFileNameIsADisplayNameNeverAPath() throws {
        XCTAssertEqual(try DocumentUpload.displayName("Zeugnis März.pdf", field: "file"), "Zeugnis März.pdf")
        XCTAssertEqual(try DocumentUpload.displayName("C:\\Users\\amina\\cv.pdf", field: "file"), "cv.pdf")
        XCTAssertNil(try DocumentUpload.displayName(nil, field: "file"))
        for probe in ["../../etc/passwd", "..\\..\\boot.ini", "a/../b.pdf", " .. /x"] {
            XCTAssertEqual(status { _ = try DocumentUpload.displayName(probe, field: "file") }, 400, probe)
        }
    }

    private func status(_ body: () throws -> Void) -> Int? {
        do { try body(); return nil } catch let problem as Problem { return problem.status } catch { return -1 }
    }
}
