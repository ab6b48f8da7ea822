import Foundation
import IASContracts
import XCTest
@testable import AssessmentService

/// The bundled rule set decides as the Aargau model and TRIAGE.md say.
final class TriageRuleSetTests: XCTestCase {
    let rules = try! TriageRuleSet.load(path: nil)

    func facts(age: Int, level: LanguageLevel = .none, school: Int = 0, vocational: Int = 0,
               health: HealthRestriction = .none, literate: Bool = true, childcare: Bool = false) -> TriageFacts {
        TriageFacts(ageAtAssessment: age, literate: literate, lowestLanguageLevel: level, schoolYears: school,
                    vocationalYears: vocational, healthRestriction: health, childcareDuties: childcare)
    }

    func testTheBundledRuleSetIsVersionedAndValid() {
        XCTAssertEqual(rules.version, "AG-2019.1")
        XCTAssertEqual(rules.validate(), [])
    }

    func testChildrenAreTriagedByAgeAlone() {
        XCTAssertEqual(rules.triage(facts(age: 0)).targetGroup, .preschool)
        XCTAssertEqual(rules.triage(facts(age: 3, level: .B1, school: 0)).targetGroup, .preschool)
        XCTAssertEqual(rules.triage(facts(age: 4)).targetGroup, .schoolAge)
        XCTAssertEqual(rules.triage(facts(age: 15, health: .severe)).targetGroup, .schoolAge)
        XCTAssertEqual(rules.triage(facts(age: 4)).pathway, "school_age")
    }

    func testYoungPeopleAreEducationReadyWithThePathwayOfTheirAge() {
        let seventeen = rules.triage(facts(age: 17, level: .A1, school: 8))
        XCTAssertEqual(seventeen.targetGroup, .educationReady)
        XCTAssertEqual(seventeen.pathway, "education_16_21")
        XCTAssertEqual(seventeen.ruleId, "education-ready-16-21")
        XCTAssertEqual(seventeen.ruleSetVersion, "AG-2019.1")
        XCTAssertEqual(rules.triage(facts(age: 21)).pathway, "education_16_21")
        XCTAssertEqual(rules.triage(facts(age: 22)).pathway, "education_22_25")
        XCTAssertEqual(rules.triage(facts(age: 25)).pathway, "education_22_25")
        XCTAssertEqual(rules.triage(facts(age: 19, health: .severe)).targetGroup, .socialIntegration)
    }

    func testAdultsAbleToWorkAreLabourMarketReady() {
        XCTAssertEqual(rules.triage(facts(age: 30, level: .A2, school: 10, vocational: 3)).ruleId, "labour-market-language-a1")
        XCTAssertEqual(rules.triage(facts(age: 26, level: .none, school: 12, vocational: 2)).ruleId, "labour-market-schooling")
        XCTAssertEqual(rules.triage(facts(age: 45, level: .none, school: 2, vocational: 4)).ruleId, "labour-market-vocational")
        XCTAssertEqual(rules.triage(facts(age: 40, level: .A1, school: 6, health: .partial)).targetGroup, .labourMarketReady)
        XCTAssertEqual(rules.triage(facts(age: 30, level: .A1)).pathway, "labour_market")
    }

    func testTheLowestSkillCounts() {
        let uneven = TriageFacts(ageAtAssessment: 35, literate: false, lowestLanguageLevel: LanguageLevels(
            listening: .B1, speaking: .A2, reading: .none, writing: .none).lowest, schoolYears: 0, vocationalYears: 0,
            healthRestriction: .none, childcareDuties: false)
        XCTAssertEqual(rules.triage(uneven).targetGroup, .socialIntegration)
    }

    func testEveryoneElseGetsSocialIntegration() {
        XCTAssertEqual(rules.triage(facts(age: 55, health: .severe)).ruleId, "adult-severe-health")
        XCTAssertEqual(rules.triage(facts(age: 60, level: .none, school: 0, literate: false)).ruleId, "social-integration")
    }

    func testPotentialAssessmentAgesAre16To50() {
        XCTAssertFalse(rules.isPotentialAssessmentAge(15))
        XCTAssertTrue(rules.isPotentialAssessmentAge(16))
        XCTAssertTrue(rules.isPotentialAssessmentAge(50))
        XCTAssertFalse(rules.isPotentialAssessmentAge(51))
    }

    func testOverridePathwaysFollowTheAge() {
        XCTAssertEqual(rules.pathway(for: .educationReady, age: 18), "education_16_21")
        XCTAssertEqual(rules.pathway(for: .educationReady, age: 24), "education_22_25")
        XCTAssertEqual(rules.pathway(for: .socialIntegration, age: 40), "social_integration")
        XCTAssertNotNil(TargetGroupOverrideRequest.ageViolation(.preschool, age: 30))
        XCTAssertNotNil(TargetGroupOverrideRequest.ageViolation(.labourMarketReady, age: 8))
        XCTAssertNil(TargetGroupOverrideRequest.ageViolation(.socialIntegration, age: 30))
    }

    func testACantonsOwnRuleSetIsLoadedAndABrokenOneRefusedWithEveryProblem() throws {
        let own = #"""
        {"version": "SO-2024.2", "potentialAssessment": {"ageAtAssessment": {"min": 16, "max": 45}},
         "rules": [{"id": "all", "description": "everyone", "when": {}, "targetGroup": "social_integration", "pathway": "social_integration"}],
         "overridePathways": [
           {"targetGroup": "preschool", "pathway": "preschool"}, {"targetGroup": "school_age", "pathway": "school_age"},
           {"targetGroup": "education_ready", "pathway": "education_22_25"}, {"targetGroup": "labour_market_ready", "pathway": "labour_market"},
           {"targetGroup": "social_integration", "pathway": "social_integration"}]}
        """#
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID()).json")
        try Data(own.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let loaded = try TriageRuleSet.load(path: url.path)
        XCTAssertEqual(loaded.version, "SO-2024.2")
        XCTAssertEqual(loaded.triage(facts(age: 30, level: .C1)).ruleId, "all")

        let broken = #"""
        {"version": "", "potentialAssessment": {"ageAtAssessment": {"min": 16, "max": 50}},
         "rules": [{"id": "a", "description": "x", "when": {"ageAtAssessment": {"min": 9, "max": 3}}, "targetGroup": "preschool", "pathway": "kita"},
                   {"id": "a", "description": "y", "when": {"literate": true}, "targetGroup": "social_integration", "pathway": "social_integration"}],
         "overridePathways": []}
        """#
        XCTAssertThrowsError(try TriageRuleSet.parse(Data(broken.utf8))) { error in
            let problems = (error as? TriageRuleSetError)?.problems ?? []
            let text = problems.joined(separator: "\n")
            for expected in ["version", "unknown pathway kita", "unique", "min is above max", "must have no conditions", "overridePathways"] {
                XCTAssertTrue(text.contains(expected), "missing problem '\(expected)' in \(text)")
            }
        }
        XCTAssertThrowsError(try TriageRuleSet.load(path: "/nonexistent/rules.json"))
    }
}
