import Foundation
import IASContracts
import IASRuntime

/// The five IAS impact indicators per entry cohort, computed only from recorded facts
/// (INDICATORS.md explains each in words). Pure: the facts are loaded elsewhere.
enum Indicators {
    /// What the indicators need to know about one person of the cohort.
    struct Member: Sendable {
        struct Assessment: Sendable { let heldOn: CalendarDate; let levels: LanguageLevels }
        struct Measure: Sendable { let catalogCode: String; let startedOn: CalendarDate?; let completedOn: CalendarDate? }
        let caseId: Identifier
        let status: String
        let dateOfBirth: CalendarDate
        let enteredOn: CalendarDate
        let closureReason: String?
        let closedOn: CalendarDate?
        let closureOutcome: String?
        let assessments: [Assessment]
        let measures: [Measure]

        var isRefugeeOrAdmitted: Bool { status == "VA" || status == "FL" }
        var ageAtEntry: Int { dateOfBirth.years(until: enteredOn) }
    }

    struct Figure: Encodable, Sendable, Equatable {
        let numerator: Int
        let denominator: Int
        /// numerator / denominator, nil when nobody is counted.
        let share: Double?
        init(numerator: Int, denominator: Int) {
            self.numerator = numerator; self.denominator = denominator
            share = denominator == 0 ? nil : (Double(numerator) / Double(denominator) * 10_000).rounded() / 10_000
        }
    }

    struct Indicator: Encodable, Sendable {
        let id: Int
        let name: String
        let target: String
        let definition: String
        let notCounted: String
        /// Persons whose horizon has passed: the figure reported to SEM.
        let numerator: Int
        let denominator: Int
        let share: Double?
        /// Persons of the cohort whose horizon lies in the future, with what they reached so far.
        let partial: Figure
    }

    /// One indicator's rule: who is counted, by when, and what counts as reached.
    struct Rule: Sendable {
        let id: Int
        let name: String
        let target: String
        let definition: String
        let notCounted: String
        let population: @Sendable (Member) -> Bool
        let horizon: @Sendable (Member) -> CalendarDate
        let reached: @Sendable (Member, CalendarDate) -> Bool
    }

    static let languageCourses: Set<String> = ["GER_A1", "GER_A2", "GER_B1"]
    static let postCompulsoryEducation: Set<String> = ["BAI", "INVOL", "IKG2"]
    static let socialIntegration: Set<String> = ["SOCIAL_INTEGRATION", "MENTORING"]
    static let leftOrDied: Set<String> = [ClosureReason.leftCanton.rawValue, ClosureReason.deceased.rawValue]

    static func completed(_ m: Member, _ codes: Set<String>, by day: CalendarDate) -> Bool {
        m.measures.contains { codes.contains($0.catalogCode) && ($0.completedOn.map { $0 <= day } ?? false) }
    }

    static let rules: [Rule] = [
        Rule(id: 1, name: "basic_language_skills_after_3_years",
             target: "3 years after entry, all VA/FL have at least basic everyday language skills (A1) in a national language.",
             definition: "Of the VA/FL who entered in the cohort year: those with an assessment held within 3 years of entry whose lowest of the four skills is at least A1, or with a German course GER_A1, GER_A2 or GER_B1 completed within 3 years of entry. Denominator: VA/FL of the cohort whose entry lies at least 3 years back.",
             notCounted: "Asylum seekers (N) not regularised; persons who left the canton or died before the horizon without having reached it; assessments or courses after the horizon; free-text notes.",
             population: { $0.isRefugeeOrAdmitted },
             horizon: { $0.enteredOn.adding(years: 3) },
             reached: { m, by in
                 m.assessments.contains { $0.heldOn <= by && $0.levels.lowest >= .A1 } || completed(m, languageCourses, by: by)
             }),
        Rule(id: 2, name: "young_children_understood_at_school_start",
             target: "80 % of the children arriving aged 0-4 can make themselves understood in the local language at the start of compulsory school.",
             definition: "Of the children of the cohort (any residence status) aged 0 to 4 at entry: those with an assessment held before their 5th birthday showing speaking at least A1, or with a PLAYGROUP measure completed before their 5th birthday. Denominator: those children who have turned 5.",
             notCounted: "Children who left the canton or died before turning 5 without having reached it; assessments or playgroups from the 5th birthday on.",
             population: { (0...4).contains($0.ageAtEntry) },
             horizon: { $0.dateOfBirth.adding(years: 5) },
             reached: { m, by in
                 m.assessments.contains { $0.heldOn < by && $0.levels.speaking >= .A1 }
                     || m.measures.contains { $0.catalogCode == "PLAYGROUP" && ($0.completedOn.map { $0 < by } ?? false) }
             }),
        Rule(id: 3, name: "post_compulsory_education_after_5_years",
             target: "5 years after entry, two thirds of the VA/FL aged 16-25 are in post-compulsory education.",
             definition: "Of the VA/FL of the cohort aged 16 to 25 at entry: those who started a bridge course BAI, a pre-apprenticeship INVOL or the integration course IKG2 within 5 years of entry, or whose case was closed as integrated into vocational education within 5 years. Denominator: those persons whose entry lies at least 5 years back.",
             notCounted: "Asylum seekers (N) not regularised; persons who left the canton or died before the horizon without having reached it; measures only planned or approved but never started.",
             population: { $0.isRefugeeOrAdmitted && (16...25).contains($0.ageAtEntry) },
             horizon: { $0.enteredOn.adding(years: 5) },
             reached: { m, by in
                 m.measures.contains { postCompulsoryEducation.contains($0.catalogCode) && ($0.startedOn.map { $0 <= by } ?? false) }
                     || (m.closureReason == ClosureReason.integrated.rawValue
                         && m.closureOutcome == IntegrationOutcome.vocationalEducation.rawValue && (m.closedOn.map { $0 <= by } ?? false))
             }),
        Rule(id: 4, name: "first_labour_market_after_7_years",
             target: "7 years after entry, half of the adult VA/FL are sustainably integrated in the first labour market.",
             definition: "Of the VA/FL of the cohort aged 18 or more at entry: those whose case was closed as integrated into the first labour market within 7 years of entry. Denominator: those adults whose entry lies at least 7 years back.",
             notCounted: "Asylum seekers (N) not regularised; persons who left the canton or died before the horizon without having reached it; employment that did not lead to the closure of the case as integrated.",
             population: { $0.isRefugeeOrAdmitted && $0.ageAtEntry >= 18 },
             horizon: { $0.enteredOn.adding(years: 7) },
             reached: { m, by in
                 m.closureReason == ClosureReason.integrated.rawValue && m.closureOutcome == IntegrationOutcome.firstLabourMarket.rawValue
                     && (m.closedOn.map { $0 <= by } ?? false)
             }),
        Rule(id: 5, name: "social_integration_after_7_years",
             target: "7 years after entry, VA/FL are familiar with Swiss ways of life and have regular social contacts with the local population.",
             definition: "Of the VA/FL of the cohort: those who completed a SOCIAL_INTEGRATION or a MENTORING measure within 7 years of entry. Denominator: VA/FL of the cohort whose entry lies at least 7 years back.",
             notCounted: "Asylum seekers (N) not regularised; persons who left the canton or died before the horizon without having reached it; measures interrupted, dropped or still running; contacts outside recorded measures.",
             population: { $0.isRefugeeOrAdmitted },
             horizon: { $0.enteredOn.adding(years: 7) },
             reached: { m, by in completed(m, socialIntegration, by: by) }),
    ]

    /// What an erased person still adds to one indicator of their cohort: anonymous, with no
    /// case id and no birth date. `maturesOn` is the horizon when it still lay ahead at the
    /// erasure, nil once it had passed.
    struct Contribution: Sendable, Equatable {
        let indicatorId: Int
        let maturesOn: CalendarDate?
        let counted: Int
        let reached: Int
    }

    /// The contributions of `m`, erased on `erasedOn`. The case is closed and its facts are
    /// final, so what it reached by its horizon is what it reaches on any later day; one that
    /// left or died before the horizon without reaching it counts nowhere, as in `compute`.
    static func contributions(of m: Member, erasedOn: CalendarDate) -> [Contribution] {
        rules.compactMap { rule in
            guard rule.population(m) else { return nil }
            let horizon = rule.horizon(m)
            let ok = rule.reached(m, horizon)
            if !ok, let reason = m.closureReason, leftOrDied.contains(reason), let closed = m.closedOn, closed < horizon { return nil }
            return Contribution(indicatorId: rule.id, maturesOn: horizon <= erasedOn ? nil : horizon, counted: 1, reached: ok ? 1 : 0)
        }
    }

    static func compute(_ members: [Member], erased: [Contribution] = [], asOf: CalendarDate) -> [Indicator] {
        rules.map { rule in
            var matured = (reached: 0, counted: 0), young = (reached: 0, counted: 0)
            for c in erased where c.indicatorId == rule.id {
                if c.maturesOn.map({ $0 <= asOf }) ?? true {
                    matured.counted += c.counted; matured.reached += c.reached
                } else {
                    young.counted += c.counted; young.reached += c.reached
                }
            }
            for m in members where rule.population(m) {
                let horizon = rule.horizon(m)
                let due = horizon <= asOf
                let by = due ? horizon : asOf
                let ok = rule.reached(m, by)
                // Someone who left or died before the horizon cannot be followed: counted only if reached before.
                if !ok, let reason = m.closureReason, leftOrDied.contains(reason), let closed = m.closedOn, closed < horizon { continue }
                if due { matured.counted += 1; if ok { matured.reached += 1 } } else { young.counted += 1; if ok { young.reached += 1 } }
            }
            let main = Figure(numerator: matured.reached, denominator: matured.counted)
            return Indicator(id: rule.id, name: rule.name, target: rule.target, definition: rule.definition, notCounted: rule.notCounted,
                             numerator: main.numerator, denominator: main.denominator, share: main.share,
                             partial: Figure(numerator: young.reached, denominator: young.counted))
        }
    }
}
