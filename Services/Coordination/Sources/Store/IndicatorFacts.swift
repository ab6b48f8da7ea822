import Foundation
import IASContracts
import IASPostgres
import IASRuntime

/// Loads the recorded facts of one entry cohort for the indicators.
enum IndicatorFacts {
    static func cohort(entryYear: Int, on c: PostgresConnection) throws -> [Indicators.Member] {
        let from = CalendarDate(year: entryYear, month: 1, day: 1)!, to = CalendarDate(year: entryYear + 1, month: 1, day: 1)!
        let range: [any PostgresBindable] = [from, to]
        var assessments: [Identifier: [Indicators.Member.Assessment]] = [:]
        for r in try c.query("""
            SELECT a.case_id, a.held_on, a.listening, a.speaking, a.reading, a.writing FROM assessments a
            JOIN cases k ON k.case_id = a.case_id WHERE k.entered_canton_on >= $1 AND k.entered_canton_on < $2
            """, range) {
            assessments[try r.identifier("case_id"), default: []].append(.init(
                heldOn: try r.calendarDate("held_on"),
                levels: LanguageLevels(listening: try r.enumValue("listening"), speaking: try r.enumValue("speaking"),
                                       reading: try r.enumValue("reading"), writing: try r.enumValue("writing"))))
        }
        var measures: [Identifier: [Indicators.Member.Measure]] = [:]
        for r in try c.query("""
            SELECT m.case_id, m.catalog_code, m.started_on, m.completed_on FROM measures m
            JOIN cases k ON k.case_id = m.case_id WHERE k.entered_canton_on >= $1 AND k.entered_canton_on < $2
            """, range) {
            measures[try r.identifier("case_id"), default: []].append(.init(
                catalogCode: try r.string("catalog_code"), startedOn: try r.optionalCalendarDate("started_on"),
                completedOn: try r.optionalCalendarDate("completed_on")))
        }
        return try c.query("""
            SELECT case_id, status, date_of_birth, entered_canton_on, closure_reason, closed_on, closure_outcome FROM cases
            WHERE entered_canton_on >= $1 AND entered_canton_on < $2
            """, range).map { r in
            let id = try r.identifier("case_id")
            return Indicators.Member(caseId: id, status: try r.string("status"), dateOfBirth: try r.calendarDate("date_of_birth"),
                                     enteredOn: try r.calendarDate("entered_canton_on"), closureReason: try r.optionalString("closure_reason"),
                                     closedOn: try r.optionalCalendarDate("closed_on"), closureOutcome: try r.optionalString("closure_outcome"),
                                     assessments: assessments[id] ?? [], measures: measures[id] ?? [])
        }
    }
}
