import Foundation
import IASContracts
import IASRuntime

/// The triage rules as data (`triage-rules.json`, or the file named by IAS_TRIAGE_RULES_FILE):
/// a versioned, ordered list in which the first rule whose conditions all hold decides the
/// target group and the pathway. TRIAGE.md explains the bundled rule set in words.
public struct TriageRuleSet: Decodable, Sendable {
    public let version: String
    public let title: String?
    public let description: String?
    public let potentialAssessment: PotentialAssessment
    public let rules: [Rule]
    /// The pathway of a manually chosen target group (first matching entry).
    public let overridePathways: [OverridePathway]

    public struct PotentialAssessment: Decodable, Sendable {
        public let description: String?
        public let ageAtAssessment: Range
    }

    public struct Rule: Decodable, Sendable {
        public let id: String
        public let description: String
        public let when: Conditions
        public let targetGroup: TargetGroup
        public let pathway: String
    }

    /// Every condition present must hold; an absent one holds for everybody.
    public struct Conditions: Decodable, Sendable {
        public var ageAtAssessment: Range?
        public var literate: Bool?
        public var lowestLanguageLevel: LevelRange?
        public var schoolYears: Range?
        public var vocationalYears: Range?
        public var healthRestriction: [HealthRestriction]?
        public var childcareDuties: Bool?

        func hold(for f: TriageFacts) -> Bool {
            (ageAtAssessment?.contains(f.ageAtAssessment) ?? true)
                && (literate.map { $0 == f.literate } ?? true)
                && (lowestLanguageLevel?.contains(f.lowestLanguageLevel) ?? true)
                && (schoolYears?.contains(f.schoolYears) ?? true)
                && (vocationalYears?.contains(f.vocationalYears) ?? true)
                && (healthRestriction.map { $0.contains(f.healthRestriction) } ?? true)
                && (childcareDuties.map { $0 == f.childcareDuties } ?? true)
        }

        var isEmpty: Bool {
            ageAtAssessment == nil && literate == nil && lowestLanguageLevel == nil && schoolYears == nil && vocationalYears == nil
                && healthRestriction == nil && childcareDuties == nil
        }
    }

    /// Inclusive bounds; either may be absent.
    public struct Range: Decodable, Sendable {
        public var min: Int?
        public var max: Int?
        func contains(_ value: Int) -> Bool { (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true) }
    }

    public struct LevelRange: Decodable, Sendable {
        public var min: LanguageLevel?
        public var max: LanguageLevel?
        func contains(_ value: LanguageLevel) -> Bool { (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true) }
    }

    public struct OverridePathway: Decodable, Sendable {
        public let targetGroup: TargetGroup
        public let ageAtDecision: Range?
        public let pathway: String
    }

    /// The pathway codes of the plan service's catalogue; a rule set naming another is refused.
    public static let knownPathways: Set<String> = [
        "preschool", "school_age", "education_16_21", "education_22_25", "labour_market", "social_integration",
    ]

    // MARK: Deciding

    public func triage(_ facts: TriageFacts) -> TriageDecision {
        // `validate` guarantees a final rule without conditions, so a rule always matches.
        let rule = rules.first { $0.when.hold(for: facts) } ?? rules[rules.count - 1]
        return TriageDecision(targetGroup: rule.targetGroup, pathway: rule.pathway, ruleId: rule.id,
                              ruleDescription: rule.description, ruleSetVersion: version)
    }

    public func pathway(for group: TargetGroup, age: Int) -> String? {
        overridePathways.first { $0.targetGroup == group && ($0.ageAtDecision?.contains(age) ?? true) }?.pathway
    }

    public func isPotentialAssessmentAge(_ age: Int) -> Bool { potentialAssessment.ageAtAssessment.contains(age) }

    // MARK: Loading

    /// The bundled rule set, or the file at `path` (a canton's own).
    public static func load(path: String?) throws -> TriageRuleSet {
        let url: URL
        if let path, !path.isEmpty {
            url = URL(fileURLWithPath: path)
        } else {
            guard let bundled = Bundle.module.url(forResource: "triage-rules", withExtension: "json") else {
                throw TriageRuleSetError(problems: ["the bundled triage-rules.json is missing from the installation"])
            }
            url = bundled
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TriageRuleSetError(problems: ["cannot read the triage rule set at \(url.path)"])
        }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws -> TriageRuleSet {
        let set: TriageRuleSet
        do { set = try JSONCoding.decode(TriageRuleSet.self, from: data) } catch {
            throw TriageRuleSetError(problems: ["the triage rule set is not valid: \(JSONCoding.explain(error))"])
        }
        let problems = set.validate()
        guard problems.isEmpty else { throw TriageRuleSetError(problems: problems) }
        return set
    }

    /// Every problem of the rule set; empty when it can decide every case.
    public func validate() -> [String] {
        var problems: [String] = []
        if version.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("version must not be empty") }
        if rules.isEmpty { problems.append("there must be at least one rule") }
        var seen = Set<String>()
        for rule in rules {
            if rule.id.isEmpty || !seen.insert(rule.id).inserted { problems.append("rule ids must be present and unique: '\(rule.id)'") }
            if rule.description.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("rule \(rule.id) needs a description") }
            if !Self.knownPathways.contains(rule.pathway) { problems.append("rule \(rule.id) names the unknown pathway \(rule.pathway)") }
            for (name, range) in [("ageAtAssessment", rule.when.ageAtAssessment), ("schoolYears", rule.when.schoolYears),
                                  ("vocationalYears", rule.when.vocationalYears)] {
                if let range, let lo = range.min, let hi = range.max, lo > hi { problems.append("rule \(rule.id): \(name) min is above max") }
            }
        }
        if let last = rules.last, !last.when.isEmpty {
            problems.append("the last rule (\(last.id)) must have no conditions, so that every person gets a target group")
        }
        for entry in overridePathways where !Self.knownPathways.contains(entry.pathway) {
            problems.append("overridePathways names the unknown pathway \(entry.pathway)")
        }
        for group in TargetGroup.allCases where !overridePathways.contains(where: { $0.targetGroup == group && $0.ageAtDecision == nil }) {
            problems.append("overridePathways needs an entry without age bounds for \(group.rawValue)")
        }
        return problems
    }
}

/// What the triage looks at: the age on the assessment day first, then the assessment.
public struct TriageFacts: Sendable, Equatable {
    public var ageAtAssessment: Int
    public var literate: Bool
    public var lowestLanguageLevel: LanguageLevel
    public var schoolYears: Int
    public var vocationalYears: Int
    public var healthRestriction: HealthRestriction
    public var childcareDuties: Bool

    public init(ageAtAssessment: Int, literate: Bool, lowestLanguageLevel: LanguageLevel, schoolYears: Int, vocationalYears: Int,
                healthRestriction: HealthRestriction, childcareDuties: Bool) {
        self.ageAtAssessment = ageAtAssessment; self.literate = literate; self.lowestLanguageLevel = lowestLanguageLevel
        self.schoolYears = schoolYears; self.vocationalYears = vocationalYears; self.healthRestriction = healthRestriction
        self.childcareDuties = childcareDuties
    }
}

/// The outcome and which rule of which version decided it.
public struct TriageDecision: Sendable, Equatable {
    public let targetGroup: TargetGroup
    public let pathway: String
    public let ruleId: String
    public let ruleDescription: String
    public let ruleSetVersion: String
}

public struct TriageRuleSetError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "the triage rule set cannot be used: " + problems.joined(separator: "; ") }
}
