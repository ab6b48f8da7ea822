import IASKafka
import TestSupport
import XCTest

final class KafkaLibraryTests: XCTestCase {
    func testLoadedLibraryIsSupported() throws {
        _ = try TestEnvironment.brokers
        XCTAssertGreaterThanOrEqual(
            KafkaLibrary.versionNumber, KafkaLibrary.minimumVersionNumber,
            "loaded librdkafka \(KafkaLibrary.versionString); run with LD_LIBRARY_PATH=<project>/.local/lib")
        XCTAssertNoThrow(try KafkaLibrary.requireSupportedVersion())
    }

    func testTooOldLibraryIsRefusedWithAClearMessage() {
        XCTAssertThrowsError(try KafkaLibrary.checkSupported(versionNumber: 0x0200_02FF, versionString: "2.0.2")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("2.0.2"), text)
            XCTAssertTrue(text.contains("2.2.0"), text)
            XCTAssertTrue(text.contains("LD_LIBRARY_PATH"), text)
            XCTAssertTrue((error as? KafkaError)?.isFatal ?? false)
        }
        XCTAssertThrowsError(try KafkaLibrary.checkSupported(versionNumber: 0x0201_01FF, versionString: "2.1.1"))
        XCTAssertNoThrow(try KafkaLibrary.checkSupported(versionNumber: 0x0202_0000, versionString: "2.2.0-RC1"))
        XCTAssertNoThrow(try KafkaLibrary.checkSupported(versionNumber: 0x0202_00FF, versionString: "2.2.0"))
        XCTAssertNoThrow(try KafkaLibrary.checkSupported(versionNumber: 0x0210_00FF, versionString: "2.16.0"))
        XCTAssertNoThrow(try KafkaLibrary.checkSupported(versionNumber: 0x0300_00FF, versionString: "3.0.0"))
    }
}
