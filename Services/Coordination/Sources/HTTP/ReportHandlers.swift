import Foundation
import IASContracts
import IASHTTP
import IASRuntime
import IASServiceKit

/// `GET /reports/ias-indicators`, `GET /audit`.
extension CoordinationApp {
    struct IndicatorReport: Encodable {
        let entryYear: Int
        let asOf: CalendarDate
        let cohortSize: Int
        let indicators: [Indicators.Indicator]
    }

    func indicators(_ context: RequestContext) throws -> HTTPResponse {
        var query = QueryParameters(context.request)
        let today = CalendarDate.today()
        let entryYear = query.required("entryYear", "required: a year from 1950 to \(today.year)") { text in
            Int(text).flatMap { (1950...today.year).contains($0) ? $0 : nil }
        }
        let asOf = query.value("asOf", "must be a date YYYY-MM-DD, not in the future") { text in
            CalendarDate(text).flatMap { $0 <= today ? $0 : nil }
        } ?? today
        guard let year = entryYear, query.errors.list.isEmpty else { throw Problem.validation(query.errors.list) }
        let (members, erased) = try host.read { c in
            (try IndicatorFacts.cohort(entryYear: year, on: c), try IndicatorContributions.cohort(entryYear: year, on: c))
        }
        // Erased cases count with what they left anonymously (IndicatorContributions).
        return .json(IndicatorReport(entryYear: year, asOf: asOf, cohortSize: members.count + erased.members,
                                     indicators: Indicators.compute(members, erased: erased.contributions, asOf: asOf)))
    }

    func audit(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let page = try Pagination(request)
        var query = QueryParameters(request)
        var filter = AuditLog.Filter(limit: page.fetchLimit)
        filter.after = page.after
        filter.caseId = query.identifier("caseId", "must be a UUID")
        filter.personId = query.identifier("personId", "must be a UUID")
        filter.subject = query["sub"]
        func time(_ text: String) -> Date? {
            Timestamp.parse(text) ?? CalendarDate(text).flatMap { Timestamp.parse("\($0)T00:00:00Z") }
        }
        filter.from = query.value("from", "must be an RFC 3339 timestamp or a date YYYY-MM-DD", time)
        filter.to = query.value("to", "must be an RFC 3339 timestamp or a date YYYY-MM-DD", time)
        try query.throwIfInvalid()
        context.recordFilter(["caseId": filter.caseId?.description, "personId": filter.personId?.description, "sub": filter.subject,
                              "from": filter.from.map(Timestamp.format), "to": filter.to.map(Timestamp.format),
                              "cursor": page.after?.description, "limit": String(page.limit)])
        let listed = page.page(try host.read { try AuditLog.search(filter, on: $0) }) { $0.auditId }
        // The trail names cases too: which ones this answer showed is itself audited.
        context.disclose(listed.items.map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) })
        return .json(listed)
    }
}
