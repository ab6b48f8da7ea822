import Foundation
import IASContracts
import IASPostgres
import IASRuntime

/// Loads the recorded facts of one entry cohort for the indicators, and what erased cases of
/// the cohort left behind (`IndicatorContributions`).
enum IndicatorFacts {
    static func cohort(entryYear: Int, on c: PostgresConnection) throws -> [Indicators.Member] {
        let from = CalendarDate(year: entryYear, month: 1, day: 1)!, to = CalendarDate(year: entryYear + 1, month: 1, day: 1)!
        return try members(where: "k.entered_canton_on >= $1 AND k.entered_canton_on < $2", [from, to], on: c)
    }

    /// The facts of one case (before its erasure); nil when the dossier does not know it.
    static func member(_ caseId: Identifier, on c: PostgresConnection) throws -> Indicators.Member? {
        try members(where: "k.case_id = $1", [caseId], on: c).first
    }

    /// The members of the cases `condition` selects (over `cases k`).
    private static func members(where condition: String, _ parameters: [any PostgresBindable],
                                on c: PostgresConnection) throws -> [Indicators.Member] {
        var assessments: [Identifier: [Indicators.Member.Assessment]] = [:]
        for r in try c.query("""
            SELECT a.case_id, a.held_on, a.listening, a.speaking, a.reading, a.writing FROM assessments a
            JOIN cases k ON k.case_id = a.case_id WHERE \(condition)
            """, parameters) {
            assessments[try r.identifier("case_id"), default: []].append(.init(
                heldOn: try r.calendarDate("held_on"),
                levels: LanguageLevels(listening: try r.enumValue("listening"), speaking: try r.enumValue("speaking"),
                                       reading: try r.enumValue("reading"), writing: try r.enumValue("writing"))))
        }
        var measures: [Identifier: [Indicators.Member.Measure]] = [:]
        for r in try c.query("""
            SELECT m.case_id, m.catalog_code, m.started_on, m.completed_on FROM measures m
            JOIN cases k ON k.case_id = m.case_id WHERE \(condition)
            """, parameters) {
            measures[try r.identifier("case_id"), default: []].append(.init(
                catalogCode: try r.string("catalog_code"), startedOn: try r.optionalCalendarDate("started_on"),
                completedOn: try r.optionalCalendarDate("completed_on")))
        }
        return try c.query("""
            SELECT k.case_id, k.status, k.date_of_birth, k.entered_canton_on, k.closure_reason, k.closed_on, k.closure_outcome
            FROM cases k WHERE \(condition)
            """, parameters).map { r in
            let id = try r.identifier("case_id")
            return Indicators.Member(caseId: id, status: try r.string("status"), dateOfBirth: try r.calendarDate("date_of_birth"),
                                     enteredOn: try r.calendarDate("entered_canton_on"), closureReason: try r.optionalString("closure_reason"),
                                     closedOn: try r.optionalCalendarDate("closed_on"), closureOutcome: try r.optionalString("closure_outcome"),
                                     assessments: assessments[id] ?? [], measures: measures[id] ?? [])
        }
    }
}
