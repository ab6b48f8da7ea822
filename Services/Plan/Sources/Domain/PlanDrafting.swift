import IASContracts
import IASRuntime

/// Which measures a pathway puts into a plan: pure, so that the rules are testable without a
/// database.
public enum PlanDrafting {
    public struct Step: Equatable, Sendable {
        public var measure: CatalogMeasure
        public var fundingSource: FundingSource
        public var startsOn: CalendarDate
        public var endsOn: CalendarDate
    }

    /// The steps of `pathway` to plan now, one after the other from `startingOn`.
    /// - status N: only the German courses, funded by language funding (no lump sum yet).
    /// - `existingCodes`: measures the plan already has and keeps; they are not planned twice.
    public static func steps(pathway: Pathway, catalog: Catalog, status: ResidenceStatus, startingOn: CalendarDate,
                             existingCodes: Set<String> = []) -> (planned: [Step], deferred: [String]) {
        var planned: [Step] = []
        var deferred: [String] = []
        var start = startingOn
        for code in pathway.steps {
            guard let measure = catalog.measure(code) else { continue }
            let end = start.adding(days: measure.typicalDurationWeeks * 7 - 1)!
            defer { start = end.adding(days: 1)! }
            if existingCodes.contains(code) { continue }
            if status == .N {
                guard measure.isLanguageCourse else { deferred.append(code); continue }
                planned.append(Step(measure: measure, fundingSource: .languageFunding, startsOn: start, endsOn: end))
            } else {
                planned.append(Step(measure: measure, fundingSource: measure.fundingSource, startsOn: start, endsOn: end))
            }
        }
        return (planned, deferred)
    }

    /// The funding of a measure added by hand: asylum seekers get language funding only.
    public static func funding(of measure: CatalogMeasure, status: ResidenceStatus) -> FundingSource? {
        guard status == .N else { return measure.fundingSource }
        return measure.isLanguageCourse ? .languageFunding : nil
    }

    /// Language funding and regular structures cost the lump sum nothing: no cost approval.
    public static func needsCostApproval(_ funding: FundingSource) -> Bool {
        funding == .lumpSum || funding == .other
    }
}
