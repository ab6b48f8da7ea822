import Foundation
import IASRuntime
import XCTest

final class CalendarDateTests: XCTestCase {
    func testParsesOnlyRealDates() {
        XCTAssertEqual(CalendarDate("2024-02-29")?.description, "2024-02-29")
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "", "2024-02-30", "abcd-ef-gh", "1800-01-01"] {
            XCTAssertNil(CalendarDate(bad), bad)
        }
    }

    func testAgeIsCountedInWholeYears() {
        let birth = CalendarDate("2008-11-22")!
        XCTAssertEqual(birth.years(until: CalendarDate("2026-11-21")!), 17)
        XCTAssertEqual(birth.years(until: CalendarDate("2026-11-22")!), 18)
        XCTAssertEqual(CalendarDate("2024-02-29")!.adding(years: 1).description, "2025-02-28")
    }
}

final class ConfigurationReaderTests: XCTestCase {
    func testEveryProblemIsReportedAtOnce() {
        let reader = ConfigurationReader(environment: ["IAS_HTTP_PORT": "http", "IAS_FLAG": "maybe"])
        _ = reader.int("IAS_HTTP_PORT", default: 8081, range: 0...65535)
        _ = reader.bool("IAS_FLAG", default: false)
        _ = reader.required("IAS_SECRET", hint: "the secret")
        XCTAssertThrowsError(try reader.validate()) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("IAS_HTTP_PORT"), text)
            XCTAssertTrue(text.contains("IAS_FLAG"), text)
            XCTAssertTrue(text.contains("IAS_SECRET is not set"), text)
        }
    }

    func testDefaultsApplyWhenUnset() throws {
        let reader = ConfigurationReader(environment: [:])
        XCTAssertEqual(reader.int("IAS_HTTP_PORT", default: 8081, range: 0...65535), 8081)
        XCTAssertEqual(reader.string("IAS_KAFKA_BROKERS", default: "127.0.0.1:19092"), "127.0.0.1:19092")
        XCTAssertNoThrow(try reader.validate())
        XCTAssertEqual(reader.keys.map(\.key), ["IAS_HTTP_PORT", "IAS_KAFKA_BROKERS"])
    }
}

final class MetricsRegistryTests: XCTestCase {
    func testCountersAndHistogramsRenderInPrometheusTextFormat() {
        let metrics = MetricsRegistry()
        metrics.increment("http_requests_total", help: "Requests.", labels: ["route": "/persons", "status": "201"])
        metrics.increment("http_requests_total", help: "Requests.", labels: ["route": "/persons", "status": "201"])
        metrics.observe("http_request_duration_seconds", help: "Latency.", labels: ["route": "/persons"], value: 0.003)
        metrics.gauge("ias_outbox_backlog", help: "Backlog.") { [([:], 4)] }
        let text = metrics.render()
        XCTAssertTrue(text.contains("# TYPE http_requests_total counter"))
        XCTAssertTrue(text.contains("http_requests_total{route=\"/persons\",status=\"201\"} 2"))
        XCTAssertTrue(text.contains("http_request_duration_seconds_bucket{route=\"/persons\",le=\"0.0025\"} 0"))
        XCTAssertTrue(text.contains("http_request_duration_seconds_bucket{route=\"/persons\",le=\"0.005\"} 1"))
        XCTAssertTrue(text.contains("http_request_duration_seconds_count{route=\"/persons\"} 1"))
        XCTAssertTrue(text.contains("ias_outbox_backlog 4"))
    }

    func testLabelValuesAreEscaped() {
        let metrics = MetricsRegistry()
        metrics.increment("x_total", help: "X.", labels: ["v": "a\"b\\c\nd"])
        XCTAssertTrue(metrics.render().contains(#"x_total{v="a\"b\\c\nd"} 1"#))
    }
}

final class JSONTests: XCTestCase {
    func testIdentifiersTravelInLowerCase() throws {
        let id = Identifier()
        let text = String(decoding: try JSONCoding.encode([id]), as: UTF8.self)
        XCTAssertEqual(text, "[\"\(id.description)\"]")
        XCTAssertEqual(text, text.lowercased())
        XCTAssertEqual(try JSONCoding.decode([Identifier].self, from: Data(text.uppercased().utf8)), [id])
    }

    func testTimestampsRoundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_790_000_000.25)
        let text = Timestamp.format(date)
        XCTAssertTrue(text.hasSuffix("Z"), text)
        XCTAssertEqual(Timestamp.parse(text)!.timeIntervalSince1970, date.timeIntervalSince1970, accuracy: 0.001)
    }

    func testLogQuotingEscapesControlCharacters() {
        XCTAssertEqual(JSONString.quote("a\"b\n\u{1}"), #""a\"b\n\u0001""#)
    }
}
