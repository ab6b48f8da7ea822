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
        let query = context.request.query
        let today = CalendarDate.today()
        var errors: [FieldError] = []
        let entryYear = query["entryYear"].flatMap(Int.init)
        if entryYear == nil || !(1950...(today.year)).contains(entryYear!) {
            errors.append(FieldError(field: "entryYear", message: "required: a year from 1950 to \(today.year)"))
        }
        var asOf = today
        if let text = query["asOf"] {
            if let date = CalendarDate(text), date <= today { asOf = date } else {
                errors.append(FieldError(field: "asOf", message: "must be a date YYYY-MM-DD, not in the future"))
            }
        }
        guard errors.isEmpty, let year = entryYear else { throw Problem.validation(errors) }
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
        var errors: [FieldError] = []
        var filter = AuditLog.Filter(limit: page.fetchLimit)
        filter.after = page.after
        if let text = request.query["caseId"] {
            if let id = Identifier(text) { filter.caseId = id } else { errors.append(FieldError(field: "caseId", message: "must be a UUID")) }
        }
        if let text = request.query["personId"] {
            if let id = Identifier(text) { filter.personId = id } else { errors.append(FieldError(field: "personId", message: "must be a UUID")) }
        }
        filter.subject = request.query["sub"]
        func time(_ name: String) -> Date? {
            guard let text = request.query[name] else { return nil }
            if let t = Timestamp.parse(text) { return t }
            if let d = CalendarDate(text) { return Timestamp.parse("\(d)T00:00:00Z") }
            errors.append(FieldError(field: name, message: "must be an RFC 3339 timestamp or a date YYYY-MM-DD"))
            return nil
        }
        filter.from = time("from")
        filter.to = time("to")
        try Problem.throwIfInvalid(errors)
        context.recordFilter(["caseId": filter.caseId?.description, "personId": filter.personId?.description, "sub": filter.subject,
                              "from": filter.from.map(Timestamp.format), "to": filter.to.map(Timestamp.format),
                              "cursor": page.after?.description, "limit": String(page.limit)])
        let listed = page.page(try host.read { try AuditLog.search(filter, on: $0) }) { $0.auditId }
        // The trail names cases too: which ones this answer showed is itself audited.
        context.disclose(listed.items.map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) })
        return .json(listed)
    }
}
