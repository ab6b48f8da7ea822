import XCTest
@testable import PlanService

final class PlanModuleTests: XCTestCase {
    func testTheServiceModuleLinks() {
        XCTAssertEqual(String(describing: PlanApp.self), "PlanApp")
    }
}
