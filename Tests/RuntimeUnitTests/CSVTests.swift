import IASRuntime
import XCTest

/// RFC 4180 fields and the guard against spreadsheet formulas.
final class CSVTests: XCTestCase {
    func testPlainFieldsStayAsTheyAre() {
        XCTAssertEqual(CSV.field("GER_A1"), "GER_A1")
        XCTAssertEqual(CSV.field("600000"), "600000")
        XCTAssertEqual(CSV.field(""), "")
    }

    func testCommasQuotesAndLineBreaksAreEnclosedAndQuotesDoubled() {
        XCTAssertEqual(CSV.field("a,b"), "\"a,b\"")
        XCTAssertEqual(CSV.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSV.field("one\ntwo"), "\"one\ntwo\"")
        XCTAssertEqual(CSV.field("one\r\ntwo"), "\"one\r\ntwo\"")
    }

    func testTextAFormulaWouldRunFromGetsAnApostropheButNumbersDoNot() {
        XCTAssertEqual(CSV.field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(CSV.field("+41"), "+41")
        XCTAssertEqual(CSV.field("-12.5"), "-12.5")
        XCTAssertEqual(CSV.field("-cmd"), "'-cmd")
        XCTAssertEqual(CSV.field("@SUM(A1)"), "'@SUM(A1)")
    }

    func testADocumentEndsEveryRecordWithCRLF() {
        XCTAssertEqual(CSV.document(header: ["a", "b"], records: [["1", "x,y"], ["2", ""]]), "a,b\r\n1,\"x,y\"\r\n2,\r\n")
    }
}
