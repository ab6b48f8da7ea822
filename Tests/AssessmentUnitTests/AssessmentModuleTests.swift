import XCTest
@testable import AssessmentService

final class AssessmentModuleTests: XCTestCase {
    func testTheServiceModuleLinks() {
        XCTAssertEqual(String(describing: AssessmentApp.self), "AssessmentApp")
    }
}
