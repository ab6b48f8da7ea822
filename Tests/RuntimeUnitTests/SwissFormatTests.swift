import IASRuntime
import XCTest

final class SwissFormatTests: XCTestCase {
    func testAmountsInFrancsWithApostrophes() {
        XCTAssertEqual(SwissFormat.chf(rappen: 123_450), "CHF 1’234.50")
        XCTAssertEqual(SwissFormat.chf(rappen: 1_800_000), "CHF 18’000.00")
        XCTAssertEqual(SwissFormat.chf(rappen: 5), "CHF 0.05")
        XCTAssertEqual(SwissFormat.chf(rappen: -2_000), "CHF −20.00")
    }

    func testTypedAmountsBecomeRappen() {
        XCTAssertEqual(SwissFormat.rappen(fromFrancs: "1’234.50"), 123_450)
        XCTAssertEqual(SwissFormat.rappen(fromFrancs: "1'234.5"), 123_450)
        XCTAssertEqual(SwissFormat.rappen(fromFrancs: "CHF 80"), 8_000)
        XCTAssertEqual(SwissFormat.rappen(fromFrancs: "12,05"), 1_205)
        XCTAssertNil(SwissFormat.rappen(fromFrancs: "12.345"))
        XCTAssertNil(SwissFormat.rappen(fromFrancs: "abc"))
        XCTAssertNil(SwissFormat.rappen(fromFrancs: "-5"))
    }

    func testDates() {
        XCTAssertEqual(SwissFormat.date("1994-03-02"), "02.03.1994")
        XCTAssertEqual(SwissFormat.dateTime("2026-12-07T09:41:12.123Z"), "07.12.2026 09:41")
        XCTAssertEqual(SwissFormat.isoDate(fromInput: "2.3.1994"), "1994-03-02")
        XCTAssertEqual(SwissFormat.isoDate(fromInput: "1994-03-02"), "1994-03-02")
        XCTAssertNil(SwissFormat.isoDate(fromInput: "31.02.2020"), "no 31 February")
        XCTAssertNil(SwissFormat.isoDate(fromInput: "yesterday"))
    }
}
