import Foundation
import IASRuntime
import XCTest

final class CalendarDateArithmeticTests: XCTestCase {
    private func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    func testMonthLengthsFollowTheGregorianLeapYearRule() {
        XCTAssertEqual((1...12).map { CalendarDate.daysIn(month: $0, year: 2026) }, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
        XCTAssertEqual(CalendarDate.daysIn(month: 2, year: 2024), 29)
        XCTAssertEqual(CalendarDate.daysIn(month: 2, year: 2000), 29, "divisible by 400")
        XCTAssertEqual(CalendarDate.daysIn(month: 2, year: 1900), 28, "a century not divisible by 400")
        XCTAssertEqual(CalendarDate.daysIn(month: 2, year: 2100), 28)
    }

    func testAddingDaysCrossesMonthAndYearEndsAndLeapDays() {
        XCTAssertEqual(day("2026-12-31").adding(days: 1), day("2027-01-01"))
        XCTAssertEqual(day("2027-01-01").adding(days: -1), day("2026-12-31"))
        XCTAssertEqual(day("2026-12-25").adding(days: 14), day("2027-01-08"))
        XCTAssertEqual(day("2028-02-20").adding(days: 10), day("2028-03-01"))
        XCTAssertEqual(day("2028-02-28").adding(days: 1), day("2028-02-29"))
        XCTAssertEqual(day("2028-02-29").adding(days: 1), day("2028-03-01"))
        XCTAssertEqual(day("2027-02-28").adding(days: 1), day("2027-03-01"))
        XCTAssertEqual(day("2100-02-28").adding(days: 1), day("2100-03-01"))
        XCTAssertEqual(day("2000-02-28").adding(days: 1), day("2000-02-29"))
        XCTAssertEqual(day("2024-03-01").adding(days: -1), day("2024-02-29"))
        XCTAssertEqual(day("2024-01-01").adding(days: 366), day("2025-01-01"))
        XCTAssertEqual(day("2026-04-30").adding(days: 0), day("2026-04-30"))
        XCTAssertEqual(day("1900-01-01").adding(days: 109_937), day("2200-12-31"))
    }

    func testAddingDaysBeyondTheYearsADateMayHaveGivesNothing() {
        XCTAssertNil(day("1900-01-01").adding(days: -1))
        XCTAssertNil(day("2200-12-31").adding(days: 1))
        XCTAssertNil(day("2026-06-15").adding(days: .max))
        XCTAssertNil(day("2026-06-15").adding(days: .min))
    }

    /// Every day of the range, against Foundation's Gregorian calendar in UTC.
    func testAddingDaysAgreesWithFoundationOnEveryDay() {
        let first = Date(timeIntervalSince1970: -2_208_988_800)   // 1900-01-01T00:00:00Z
        let reference = (0...109_937).map { CalendarDate(utcDayOf: first + TimeInterval($0 * 86_400)) }
        XCTAssertEqual(reference.first, day("1900-01-01"))
        XCTAssertEqual(reference.last, day("2200-12-31"))
        for (i, date) in reference.enumerated() {
            for offset in [1, -1, 13, 59, 365, -366, 1461, -2555] {
                let expected = reference.indices.contains(i + offset) ? reference[i + offset] : nil
                if date.adding(days: offset) != expected {
                    XCTFail("\(date) + \(offset) days: \(String(describing: date.adding(days: offset))), expected \(String(describing: expected))")
                    return
                }
            }
        }
    }

    func testAddingMonthsKeepsTheDayOrTheLastDayOfAShorterMonth() {
        XCTAssertEqual(day("2026-01-31").adding(months: 1), day("2026-02-28"))
        XCTAssertEqual(day("2024-01-31").adding(months: 1), day("2024-02-29"))
        XCTAssertEqual(day("2026-03-31").adding(months: 1), day("2026-04-30"))
        XCTAssertEqual(day("2026-03-31").adding(months: -1), day("2026-02-28"))
        XCTAssertEqual(day("2026-11-30").adding(months: 3), day("2027-02-28"))
        XCTAssertEqual(day("2026-11-15").adding(months: 6), day("2027-05-15"))
        XCTAssertEqual(day("2026-12-15").adding(months: 1), day("2027-01-15"))
        XCTAssertEqual(day("2027-01-15").adding(months: -1), day("2026-12-15"))
        XCTAssertEqual(day("2026-02-15").adding(months: -3), day("2025-11-15"))
        XCTAssertEqual(day("2026-01-01").adding(months: -13), day("2024-12-01"))
        XCTAssertEqual(day("2026-08-31").adding(months: 0), day("2026-08-31"))
    }

    /// Foundation clamps the day to the end of a shorter month as well.
    func testAddingMonthsAgreesWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for year in stride(from: 1903, through: 2196, by: 7) {
            for month in 1...12 {
                for d in [1, 15, 28, 29, 30, 31] where d <= CalendarDate.daysIn(month: month, year: year) {
                    let date = CalendarDate(year: year, month: month, day: d)!
                    let start = calendar.date(from: DateComponents(year: year, month: month, day: d))!
                    for months in [1, -1, 2, 11, -12, 13, 25, -36] {
                        let expected = CalendarDate(utcDayOf: calendar.date(byAdding: .month, value: months, to: start)!)
                        XCTAssertEqual(date.adding(months: months), expected, "\(date) + \(months) months")
                    }
                }
            }
        }
    }

    func testAddingYearsMovesALeapDayToTheEndOfFebruary() {
        XCTAssertEqual(day("2024-02-29").adding(years: 1), day("2025-02-28"))
        XCTAssertEqual(day("2024-02-29").adding(years: 4), day("2028-02-29"))
        XCTAssertEqual(day("2096-02-29").adding(years: 4), day("2100-02-28"))
        XCTAssertEqual(day("2000-02-29").adding(years: -100), day("1900-02-28"))
        XCTAssertEqual(day("2026-12-31").adding(years: 1), day("2027-12-31"))
        XCTAssertEqual(day("2019-01-01").adding(years: 7), day("2026-01-01"))
    }
}
