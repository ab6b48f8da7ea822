import XCTest
@testable import CoordinationService

final class CoordinationModuleTests: XCTestCase {
    func testTheServiceModuleLinks() {
        XCTAssertEqual(String(describing: CoordinationApp.self), "CoordinationApp")
    }
}
