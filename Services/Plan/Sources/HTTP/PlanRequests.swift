import Foundation
import IASContracts
import IASHTTP
import IASRuntime

/// `POST /cases/{caseId}/plan/measures`: a measure of the catalogue added by the case worker.
struct AddMeasureRequest: Decodable {
    var catalogCode: String
    var provider: String?
    var startsOn: CalendarDate
    var endsOn: CalendarDate?
    var estimatedCostRappen: Int

    func validate() -> [FieldError] {
        var errors = FieldErrors()
        errors.check(TextRules.isText(catalogCode, max: 60), "catalogCode", "must be a code of GET /catalog/measures, e.g. GER_A1")
        if let provider { errors.check(TextRules.isText(provider, max: 200), "provider", "must be 1 to 200 characters") }
        if let endsOn { errors.check(endsOn >= startsOn, "endsOn", "must not be before startsOn") }
        errors.check((0...10_000_000).contains(estimatedCostRappen), "estimatedCostRappen",
                     "must be a whole number of Rappen from 0 to 10000000 (CHF 100,000)")
        return errors.list
    }
}

/// `POST /cases/{caseId}/plan/measures/{measureId}/status`.
struct MeasureStatusRequest: Decodable {
    var status: MeasureStatus
    var on: CalendarDate
    var reason: String?

    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(on <= today, "on", "must not be in the future")
        if MeasureStateMachine.isDeviation(status) {
            errors.check(reason.map { TextRules.isText($0, max: 2000) } ?? false, "reason", "is required for interrupted and dropped (1 to 2000 characters)")
        } else if let reason {
            errors.check(reason.count <= 2000, "reason", "must be at most 2000 characters")
        }
        return errors.list
    }
}

/// A goal as sent: a sentence, or an object with the sentence and optional details.
struct GoalInput: Decodable {
    var text: String
    var fieldOfAction: String?
    var dueOn: CalendarDate?

    private enum Keys: String, CodingKey { case text, fieldOfAction, dueOn }

    init(from decoder: Decoder) throws {
        if let sentence = try? decoder.singleValueContainer().decode(String.self) {
            text = sentence
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        text = try c.decode(String.self, forKey: .text)
        fieldOfAction = try c.decodeIfPresent(String.self, forKey: .fieldOfAction)
        dueOn = try c.decodeIfPresent(CalendarDate.self, forKey: .dueOn)
    }
}

/// `POST /cases/{caseId}/plan/agreement`: the signed integration agreement.
struct AgreementRequest: Decodable {
    static let fieldsOfAction: Set<String> = ["language", "education", "work", "social_integration", "early_childhood"]

    var signedOn: CalendarDate
    var goals: [GoalInput]
    var reviewEveryMonths: Int

    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(signedOn <= today, "signedOn", "must not be in the future")
        errors.check((1...20).contains(goals.count), "goals", "must name 1 to 20 goals")
        for (i, goal) in goals.enumerated() {
            errors.check(TextRules.isText(goal.text, max: 1000), "goals[\(i)]", "must be 1 to 1000 characters, not only spaces")
            if let field = goal.fieldOfAction {
                errors.check(Self.fieldsOfAction.contains(field), "goals[\(i)].fieldOfAction",
                             "must be one of \(Self.fieldsOfAction.sorted().joined(separator: ", "))")
            }
            if let due = goal.dueOn { errors.check(due >= signedOn, "goals[\(i)].dueOn", "must not be before signedOn") }
        }
        errors.check((1...24).contains(reviewEveryMonths), "reviewEveryMonths", "must be a whole number of months from 1 to 24")
        return errors.list
    }
}

/// `POST /cases/{caseId}/plan/reviews`: a joint review of the plan.
struct ReviewRequest: Decodable {
    var heldOn: CalendarDate
    var outcome: ReviewOutcome
    var notes: String

    func validate(today: CalendarDate) -> [FieldError] {
        var errors = FieldErrors()
        errors.check(heldOn <= today, "heldOn", "must not be in the future")
        errors.check(TextRules.isText(notes, max: 10_000), "notes", "must be 1 to 10000 characters: what was agreed")
        return errors.list
    }
}
