import IASContracts
import PlanService
import XCTest

final class MeasureStateMachineTests: XCTestCase {
    func testTheHappyPathAndTheWaysOut() {
        let path: [MeasureStatus] = [.planned, .approved, .enrolled, .started, .completed]
        for (a, b) in zip(path, path.dropFirst()) { XCTAssertTrue(MeasureStateMachine.canMove(from: a, to: b), "\(a) → \(b)") }
        XCTAssertTrue(MeasureStateMachine.canMove(from: .enrolled, to: .interrupted))
        XCTAssertTrue(MeasureStateMachine.canMove(from: .started, to: .interrupted))
        for from in [MeasureStatus.planned, .approved, .enrolled, .started] {
            XCTAssertTrue(MeasureStateMachine.canMove(from: from, to: .dropped), "\(from) → dropped")
        }
    }

    func testIllegalMoves() {
        XCTAssertFalse(MeasureStateMachine.canMove(from: .planned, to: .enrolled), "no enrolment before the cost approval")
        XCTAssertFalse(MeasureStateMachine.canMove(from: .approved, to: .started))
        XCTAssertFalse(MeasureStateMachine.canMove(from: .approved, to: .interrupted), "what never began cannot be interrupted")
        XCTAssertFalse(MeasureStateMachine.canMove(from: .enrolled, to: .completed))
        for final in [MeasureStatus.completed, .interrupted, .dropped] {
            XCTAssertTrue(MeasureStateMachine.isFinal(final))
            for to in MeasureStatus.allCases { XCTAssertFalse(MeasureStateMachine.canMove(from: final, to: to), "\(final) → \(to)") }
        }
    }

    func testPartnerAnswers() {
        XCTAssertEqual(MeasureStateMachine.pathForPartnerEnrolment(from: .approved), [.enrolled])
        XCTAssertEqual(MeasureStateMachine.pathForPartnerEnrolment(from: .started), [], "a late enrolment changes nothing")
        XCTAssertEqual(MeasureStateMachine.pathForPartnerEnd(from: .enrolled, outcome: "completed"), [.started, .completed])
        XCTAssertEqual(MeasureStateMachine.pathForPartnerEnd(from: .approved, outcome: "completed"), [.enrolled, .started, .completed])
        XCTAssertEqual(MeasureStateMachine.pathForPartnerEnd(from: .started, outcome: "interrupted"), [.interrupted])
        XCTAssertEqual(MeasureStateMachine.pathForPartnerEnd(from: .completed, outcome: "completed"), [], "a repeated answer is harmless")
        XCTAssertNil(MeasureStateMachine.pathForPartnerEnd(from: .started, outcome: "went fishing"))
        XCTAssertTrue(MeasureStateMachine.isDeviation(.interrupted))
        XCTAssertFalse(MeasureStateMachine.isDeviation(.completed))
    }
}
