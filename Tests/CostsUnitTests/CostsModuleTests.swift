import XCTest
@testable import CostsService

final class CostsModuleTests: XCTestCase {
    func testTheServiceModuleLinks() {
        XCTAssertEqual(String(describing: CostsApp.self), "CostsApp")
    }
}
