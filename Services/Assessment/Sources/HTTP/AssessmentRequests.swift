import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// `POST /cases/{caseId}/assessments`: a short assessment or a potential assessment.
struct AssessmentRequest: Decodable {
    var kind: AssessmentKind
    var heldOn: CalendarDate
    var languageLevels: LanguageLevels
    var literate: Bool
    var schoolYears: Int
    var vocationalYears: Int
    var healthRestriction: HealthRestriction
    var childcareDuties: Bool
    var goals: [String]?

    /// The assessment as it is stored and published.
    func completed(caseId: Identifier, assessmentId: Identifier) -> AssessmentCompleted {
        AssessmentCompleted(caseId: caseId, assessmentId: assessmentId, kind: kind, heldOn: heldOn, languageLevels: languageLevels,
                            literate: literate, schoolYears: schoolYears, vocationalYears: vocationalYears,
                            healthRestriction: healthRestriction, childcareDuties: childcareDuties)
    }

    func validate(today: CalendarDate, dateOfBirth: CalendarDate?) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(heldOn <= today, "heldOn", "must not be in the future")
        if let dateOfBirth { errors.check(heldOn >= dateOfBirth, "heldOn", "must not be before the date of birth") }
        errors.check((0...30).contains(schoolYears), "schoolYears", "must be 0 to 30")
        errors.check((0...50).contains(vocationalYears), "vocationalYears", "must be 0 to 50")
        let goals = self.goals ?? []
        errors.check(goals.count <= 20, "goals", "at most 20 goals")
        for (i, goal) in goals.enumerated() {
            errors.check(TextRules.isText(goal, max: 200), "goals[\(i)]", "must be 1 to 200 characters, not only spaces")
        }
        return errors.list
    }

    func facts(ageAtAssessment: Int) -> TriageFacts {
        TriageFacts(ageAtAssessment: ageAtAssessment, literate: literate, lowestLanguageLevel: languageLevels.lowest,
                    schoolYears: schoolYears, vocationalYears: vocationalYears, healthRestriction: healthRestriction,
                    childcareDuties: childcareDuties)
    }
}

/// `POST /cases/{caseId}/status-meetings`.
struct StatusMeetingRequest: Decodable {
    var heldOn: CalendarDate
    var participants: [String]
    var notes: String?

    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(heldOn <= today, "heldOn", "must not be in the future")
        errors.check((1...30).contains(participants.count), "participants", "1 to 30 participants")
        for (i, name) in participants.enumerated() {
            errors.check(TextRules.isText(name, max: 200), "participants[\(i)]", "must be 1 to 200 characters, not only spaces")
        }
        errors.check((notes ?? "").count <= 20_000, "notes", "at most 20000 characters")
        return errors.list
    }
}

/// `PUT /cases/{caseId}/target-group`: a case worker decides against the rules, with a reason.
struct TargetGroupOverrideRequest: Decodable {
    var targetGroup: TargetGroup
    var reason: String?

    func validate() -> [FieldError] {
        guard let reason else { return [FieldError(field: "reason", message: "required: say why the target group differs from the rules")] }
        return TextRules.isText(reason, max: 1000) ? [] : [FieldError(field: "reason", message: "must be 1 to 1000 characters, not only spaces")]
    }

    /// Children cannot be placed in the adults' groups nor adults in the children's.
    static func ageViolation(_ group: TargetGroup, age: Int) -> String? {
        switch group {
        case .preschool where age >= 7, .schoolAge where age >= 18:
            return "\(group.rawValue) is for children; the person is \(age)"
        case .educationReady where age < 15, .labourMarketReady where age < 15:
            return "\(group.rawValue) is for young people and adults; the person is \(age)"
        default:
            return nil
        }
    }
}
