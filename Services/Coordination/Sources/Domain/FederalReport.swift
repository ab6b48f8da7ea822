import IASContracts
import IASRuntime

/// What the canton reports to the State Secretariat for Migration (SEM) for one year: the IAS
/// indicators of the entry cohorts, the use of the integration lump sum and the counts SEM asks
/// for, with every figure about fewer than five persons withheld (`SmallCellSuppression`).
/// Pure: the facts are loaded by `FederalReportFacts`; INDICATORS.md defines each figure.
struct FederalReport: Encodable, Sendable {
    /// How far back the cohorts reach: indicators 4 and 5 look 7 years after entry.
    static let cohortYears = 7

    struct Inputs: Sendable {
        struct Cohort: Sendable { let entryYear: Int; let members: Int; let indicators: [Indicators.Indicator] }
        struct LumpSumRow: Sendable {
            let fieldOfAction: String; let measureKind: String; let persons: Int; let committedRappen: Int; let spentRappen: Int
        }
        let year: Int
        let asOf: CalendarDate
        let cohorts: [Cohort]
        let lumpSum: [LumpSumRow]
        /// Distinct persons over all rows (one person may have measures of several kinds).
        let lumpSumPersons: Int
        /// Persons per SEM count, in `Count.names` order.
        let counts: [String: Int]
    }

    // Withheld figures stand as null beside `"suppressed": true`, so that a reader sees them withheld.
    struct Figure: Encodable, Sendable {
        let id: Int
        let name: String
        @NullWhenAbsent var numerator: Int?
        @NullWhenAbsent var denominator: Int?
        @NullWhenAbsent var share: Double?
        let suppressed: Bool
    }

    struct Cohort: Encodable, Sendable {
        let entryYear: Int
        @NullWhenAbsent var cohortSize: Int?
        let indicators: [Figure]
    }

    struct Money: Encodable, Sendable {
        /// Both absent in the total, and then left out.
        let fieldOfAction: String?
        let measureKind: String?
        @NullWhenAbsent var persons: Int?
        @NullWhenAbsent var committedRappen: Int?
        @NullWhenAbsent var spentRappen: Int?
        let suppressed: Bool
    }

    struct LumpSum: Encodable, Sendable { let measures: [Money]; let total: Money }

    struct Count: Encodable, Sendable {
        static let names = ["first_information", "language_support", "training_or_work_support", "early_language_support_children"]
        let name: String
        @NullWhenAbsent var persons: Int?
        let suppressed: Bool
    }

    let year: Int
    let asOf: CalendarDate
    let suppressionThreshold: Int
    let cohorts: [Cohort]
    let lumpSum: LumpSum
    let counts: [Count]

    init(_ inputs: Inputs) {
        year = inputs.year
        asOf = inputs.asOf
        suppressionThreshold = SmallCellSuppression.threshold
        cohorts = inputs.cohorts.map { cohort in
            Cohort(entryYear: cohort.entryYear,
                   cohortSize: SmallCellSuppression.isSmall(cohort.members) ? nil : cohort.members,
                   indicators: cohort.indicators.map(Self.figure))
        }
        let rows = inputs.lumpSum
        let (withheld, totalWithheld) = SmallCellSuppression.breakdown(rows.map(\.persons), total: inputs.lumpSumPersons)
        let measures = rows.indices.map { i -> Money in
            let row = rows[i], hide = withheld.contains(i)
            return Money(fieldOfAction: row.fieldOfAction, measureKind: row.measureKind, persons: hide ? nil : row.persons,
                         committedRappen: hide ? nil : row.committedRappen, spentRappen: hide ? nil : row.spentRappen, suppressed: hide)
        }
        let total = Money(fieldOfAction: nil, measureKind: nil, persons: totalWithheld ? nil : inputs.lumpSumPersons,
                          committedRappen: totalWithheld ? nil : rows.reduce(0) { $0 + $1.committedRappen },
                          spentRappen: totalWithheld ? nil : rows.reduce(0) { $0 + $1.spentRappen }, suppressed: totalWithheld)
        lumpSum = LumpSum(measures: measures, total: total)
        counts = Count.names.map { name in
            let persons = inputs.counts[name] ?? 0
            return Count(name: name, persons: SmallCellSuppression.isSmall(persons) ? nil : persons,
                         suppressed: SmallCellSuppression.isSmall(persons))
        }
    }

    /// The matured figure of an indicator. Those who reached and those who did not are both
    /// groups of persons: when either is small, numerator and share are withheld (else the small
    /// one is the denominator minus the other); a small denominator withholds all three.
    static func figure(_ indicator: Indicators.Indicator) -> Figure {
        let n = indicator.numerator, d = indicator.denominator
        let hideDenominator = SmallCellSuppression.isSmall(d)
        let hideNumerator = hideDenominator || SmallCellSuppression.isSmall(n) || SmallCellSuppression.isSmall(d - n)
        return Figure(id: indicator.id, name: indicator.name, numerator: hideNumerator ? nil : n, denominator: hideDenominator ? nil : d,
                      share: hideNumerator ? nil : indicator.share, suppressed: hideNumerator || hideDenominator)
    }

    /// The text of a withheld cell in CSV (JSON has `null` and `"suppressed": true`).
    static let withheld = "suppressed"

    /// One figure per record: report_year, section, entry_year, item, field_of_action, figure, value.
    var csv: String {
        func text(_ value: Int?) -> String { value.map(String.init) ?? Self.withheld }
        var records: [[String]] = []
        for cohort in cohorts {
            let year = String(cohort.entryYear)
            records.append(["cohort", year, "cohort_size", "", "persons", text(cohort.cohortSize)])
            for f in cohort.indicators {
                let item = "\(f.id) \(f.name)"
                records.append(["ias_indicator", year, item, "", "numerator", text(f.numerator)])
                records.append(["ias_indicator", year, item, "", "denominator", text(f.denominator)])
                records.append(["ias_indicator", year, item, "", "share", f.share.map { String($0) } ?? (f.suppressed ? Self.withheld : "")])
            }
        }
        for m in lumpSum.measures + [lumpSum.total] {
            let item = m.measureKind ?? "total", field = m.fieldOfAction ?? ""
            records.append(["lump_sum", "", item, field, "persons", text(m.persons)])
            records.append(["lump_sum", "", item, field, "committed_rappen", text(m.committedRappen)])
            records.append(["lump_sum", "", item, field, "spent_rappen", text(m.spentRappen)])
        }
        for count in counts { records.append(["sem_count", "", count.name, "", "persons", text(count.persons)]) }
        return CSV.document(header: ["report_year", "section", "entry_year", "item", "field_of_action", "figure", "value"],
                            records: records.map { [String(year)] + $0 })
    }
}
