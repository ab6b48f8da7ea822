import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit

/// `GET /reports/federal?year=2026[&format=csv|json]` (or `Accept: text/csv`): the report to SEM.
extension CoordinationApp {
    func federalReport(_ context: RequestContext) throws -> HTTPResponse {
        var query = QueryParameters(context.request)
        let today = CalendarDate.today()
        // Early years are allowed so that a report can be tried on a cohort of its own; its oldest
        // cohort must still be a year a date can have (from 1900).
        let earliest = 1900 + FederalReport.cohortYears
        let year = query.required("year", "required: a year from \(earliest) to \(today.year)") { text in
            Int(text).flatMap { (earliest...today.year).contains($0) ? $0 : nil }
        }
        let csv = query.value("format", "must be csv or json") { ["csv": true, "json": false][$0] }
            ?? (context.request.header("Accept") ?? "").contains("text/csv")
        guard let year, query.errors.list.isEmpty else { throw Problem.validation(query.errors.list) }
        // A year still running is reported as far as it went.
        let asOf = min(CalendarDate(year: year, month: 12, day: 31)!, today)
        let inputs = try host.read { c in
            let cohorts = try ((year - FederalReport.cohortYears)...year).map { entryYear in
                let (members, erased) = (try IndicatorFacts.cohort(entryYear: entryYear, on: c),
                                         try IndicatorContributions.cohort(entryYear: entryYear, on: c))
                return FederalReport.Inputs.Cohort(entryYear: entryYear, members: members.count + erased.members,
                                                   indicators: Indicators.compute(members, erased: erased.contributions, asOf: asOf))
            }
            let lumpSum = try FederalReportFacts.lumpSum(year: year, on: c)
            return FederalReport.Inputs(year: year, asOf: asOf, cohorts: cohorts, lumpSum: lumpSum.rows, lumpSumPersons: lumpSum.persons,
                                        counts: try FederalReportFacts.counts(year: year, on: c))
        }
        let report = FederalReport(inputs)
        guard csv else { return .json(report) }
        var response = HTTPResponse.text(report.csv, contentType: "text/csv; charset=utf-8; header=present")
        response.headers.set("Content-Disposition", "attachment; filename=\"ias-federal-report-\(year).csv\"")
        return response
    }
}
