import CostsService
import IASContracts
import XCTest

final class BudgetRulesTests: XCTestCase {
    func testOnlyProvisionallyAdmittedPersonsAndRefugeesReceiveTheLumpSum() {
        XCTAssertTrue(BudgetRules.opensBudget(.VA))
        XCTAssertTrue(BudgetRules.opensBudget(.FL))
        XCTAssertFalse(BudgetRules.opensBudget(.N))
    }

    func testTheAmountADecisionCommits() {
        XCTAssertEqual(BudgetRules.grantedAmount(decision: .granted, requested: 500, named: nil), 500)
        XCTAssertEqual(BudgetRules.grantedAmount(decision: .granted, requested: 500, named: 500), 500)
        XCTAssertNil(BudgetRules.grantedAmount(decision: .granted, requested: 500, named: 400), "less than requested is a partial grant")
        XCTAssertEqual(BudgetRules.grantedAmount(decision: .partiallyGranted, requested: 500, named: 400), 400)
        XCTAssertNil(BudgetRules.grantedAmount(decision: .partiallyGranted, requested: 500, named: nil), "a partial grant names its amount")
        XCTAssertNil(BudgetRules.grantedAmount(decision: .partiallyGranted, requested: 500, named: 501))
        XCTAssertNil(BudgetRules.grantedAmount(decision: .partiallyGranted, requested: 500, named: 0))
        XCTAssertEqual(BudgetRules.grantedAmount(decision: .rejected, requested: 500, named: nil), 0)
        XCTAssertNil(BudgetRules.grantedAmount(decision: .rejected, requested: 500, named: 10))
    }

    func testTheLumpSumIsNeverOverdrawn() {
        XCTAssertTrue(BudgetRules.fits(amount: 800_000, committed: 1_000_000, lumpSum: 1_800_000))
        XCTAssertFalse(BudgetRules.fits(amount: 800_001, committed: 1_000_000, lumpSum: 1_800_000))
    }

    func testTheThreshold() {
        XCTAssertFalse(BudgetRules.reaches(committed: 1_439_999, lumpSum: 1_800_000, percent: 80))
        XCTAssertTrue(BudgetRules.reaches(committed: 1_440_000, lumpSum: 1_800_000, percent: 80))
        XCTAssertFalse(BudgetRules.reaches(committed: 0, lumpSum: 0, percent: 80), "no lump sum, no threshold")
        XCTAssertTrue(BudgetRules.crossesThreshold(before: 1_000_000, after: 1_500_000, lumpSum: 1_800_000, percent: 80))
        XCTAssertFalse(BudgetRules.crossesThreshold(before: 1_500_000, after: 1_600_000, lumpSum: 1_800_000, percent: 80))
    }
}
