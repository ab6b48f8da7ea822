import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// `POST /persons`, `GET /persons/{personId}`, `GET /persons?…`.
extension IntakeApp {
    func registerPerson(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let body = try request.decode(RegisterPersonRequest.self)
        try Problem.throwIfInvalid(body.validate(today: CalendarDate.today()))
        guard body.mayBeRegistered(by: context.organisation) else {
            throw Problem.forbidden(RegisterPersonRequest.notResponsible)
        }
        let zemis = body.zemisNumber.map(Validation.normalizedZemis)
        return try host.write(context) { connection in
            if let zemis, let existing = try PersonStore.findByZemis(zemis, on: connection) {
                throw KnownPerson.zemisConflict(existing.identity, context: context)
            }
            try checkForLikelyDuplicates(body, context: context, on: connection)
            let person: PersonRecord
            do {
                let registration = AllocationTriage.Registration(row: 1, request: body, zemis: zemis, personId: Identifier(), caseId: Identifier())
                person = try PersonStore.insert([registration], listId: nil, on: connection)[0]
            } catch let error as PostgresError where error.isUniqueViolation {
                // A concurrent registration of the same ZEMIS number committed first.
                throw Refusal.conflict("a person with this ZEMIS number is already registered")
            }
            try host.emitter(context.cause, on: connection).emit(person.published, caseId: person.caseId)
            context.disclose(caseId: person.caseId, personId: person.personId)
            return .json(person, status: 201, headers: [("Location", "/persons/\(person.personId)"), ("ETag", person.etag)])
        }
    }

    func getPerson(_ context: RequestContext) throws -> HTTPResponse {
        let id = try context.pathId("personId", "person")
        let person = try context.access(try host.read { try PersonStore.find(id, on: $0) }, unknown: "no person with this id")
        return .json(person, headers: [("ETag", person.etag)])
    }

    func searchPersons(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let page = try Pagination(request)
        var filter = PersonStore.Filter(limit: page.fetchLimit)
        var query = QueryParameters(request)
        filter.zemisNumber = query["zemisNumber"].map(Validation.normalizedZemis)
        filter.familyName = query["familyName"]
        filter.givenName = query.value("givenName", "must be 1 to 100 characters, not only spaces") { given in
            Validation.isName(given) ? given.trimmingCharacters(in: .whitespaces) : nil
        }
        filter.dateOfBirth = query.value("dateOfBirth", "must be a date YYYY-MM-DD") { CalendarDate($0) }
        try query.throwIfInvalid()
        filter.responsibleOrg = query["responsibleOrg"]
        filter.after = page.after
        filter.municipality = try context.listedMunicipality(refusal: "your organisation has no access to persons")
        context.recordFilter(["zemisNumber": filter.zemisNumber, "familyName": filter.familyName, "givenName": filter.givenName,
                              "dateOfBirth": filter.dateOfBirth?.description, "responsibleOrg": filter.responsibleOrg, "cursor": page.after?.description, "limit": String(page.limit)],
                             personal: ["zemisNumber", "familyName", "givenName", "dateOfBirth"])
        let listed = page.page(try host.read { try PersonStore.search(filter, on: $0) }) { $0.personId }
        context.disclose(listed.items.map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) })
        return .json(listed)
    }
}
