@testable import IASServiceKit
import XCTest

/// The audit record names the case or person of a response from a top-level member only.
final class AuditExtractionTests: XCTestCase {
    private func find(_ key: String, _ json: String) -> String? { AuditExtraction.topLevelString(key, in: Array(json.utf8)) }

    func testFindsATopLevelMemberWhereverItStands() {
        XCTAssertEqual(find("caseId", #"{"caseId":"a1"}"#), "a1")
        XCTAssertEqual(find("personId", #" { "x" : [1, {"personId":"nested"}], "personId" : "p2" , "y":{} } "#), "p2")
        XCTAssertEqual(find("caseId", #"{"note":"say \"caseId\":\"no\"","caseId":"c3"}"#), "c3")
    }

    func testIgnoresNestedMembersValuesAndNonStrings() {
        XCTAssertNil(find("personId", #"{"person":{"personId":"nested"}}"#))
        XCTAssertNil(find("caseId", #"{"items":[{"caseId":"in-array"}]}"#))
        XCTAssertNil(find("caseId", #"{"other":"caseId","caseId":12}"#))
        XCTAssertNil(find("caseId", #"{"caseId":"with\u0041escape"}"#))
    }

    func testRefusesWhatIsNotAnObject() {
        XCTAssertNil(find("caseId", #"["caseId","x"]"#))
        XCTAssertNil(find("caseId", ""))
        XCTAssertNil(find("caseId", #"{"caseId":"unterminated"#))
        XCTAssertNil(find("caseId", #"{"caseId""#))
    }

    func testReadsAnIdentifier() {
        let id = "7a3f0c52-1d2e-4a57-9a0e-3f1b2c4d5e6f"
        XCTAssertEqual(AuditExtraction.identifier("caseId", in: Array(#"{"plan":{"caseId":"x"},"caseId":"\#(id)"}"#.utf8))?.description, id)
    }
}
