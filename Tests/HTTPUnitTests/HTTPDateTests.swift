import Foundation
@testable import IASHTTP
import IASHTTPClient
import XCTest

/// Both header dates from one formatter: the HTTP Date header and an e-mail's Date.
final class HTTPDateTests: XCTestCase {
    /// RFC 9110's own example: Sun, 06 Nov 1994 08:49:37 GMT.
    let example = 784_111_777

    func testTheHTTPDateIsAnIMFFixdate() {
        XCTAssertEqual(HTTPDate.imfFixdate(example), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.imfFixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.imfFixdate(1_709_164_799), "Wed, 28 Feb 2024 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.imfFixdate(1_709_164_800), "Thu, 29 Feb 2024 00:00:00 GMT")
    }

    func testTheMailDateHasTheSameFieldsAndANumericZone() {
        XCTAssertEqual(HTTPDate.rfc5322(example), "Sun, 06 Nov 1994 08:49:37 +0000")
        XCTAssertEqual(HTTPDate.rfc5322(1_798_761_599), "Thu, 31 Dec 2026 23:59:59 +0000")
        let message = MailMessage(from: "a@b.example", to: ["c@d.example"], subject: "s", body: "b",
                                  date: Date(timeIntervalSince1970: TimeInterval(example) + 0.9), messageId: "1@test")
        XCTAssertTrue(message.rendered.contains("\r\nDate: Sun, 06 Nov 1994 08:49:37 +0000\r\n"), message.rendered)
    }

    /// The text Foundation's formatter gave for the mail date, from 1970 to 2100.
    func testTheMailDateIsWhatDateFormatterWrote() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        for seconds in stride(from: 0, to: 4_102_444_800, by: 86_400 * 3 + 3_607) {
            XCTAssertEqual(HTTPDate.rfc5322(seconds), formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
    }
}
