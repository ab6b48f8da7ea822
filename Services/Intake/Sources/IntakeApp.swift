import Foundation
import IASContracts
import IASHTTP
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// The intake service: registers every person assigned to the canton and opens their case.
public final class IntakeApp: Sendable {
    let host: ServiceHost
    /// Seconds between two runs of the automatic closure after 7 years.
    let autoClosureIntervalSeconds: Double
    /// Body limit of `POST /allocation-lists`, which is larger than the server's general one.
    let allocationListMaxBodyBytes: Int
    /// 1000 rows of up to about 4 KiB each (long names, escaped characters, an override
    /// reason, pretty printing). Other routes keep the server's general limit
    /// (`IAS_HTTP_MAX_BODY_BYTES`).
    public static let defaultAllocationListMaxBodyBytes = 4 << 20

    public init(host: ServiceHost, autoClosureIntervalSeconds: Double = 3600,
                allocationListMaxBodyBytes: Int = IntakeApp.defaultAllocationListMaxBodyBytes) {
        self.host = host
        self.autoClosureIntervalSeconds = autoClosureIntervalSeconds
        self.allocationListMaxBodyBytes = allocationListMaxBodyBytes
    }

    /// Entry point of the `ias-intake` executable.
    public static func main() -> Never {
        ServiceMain.run("intake") {
            var interval = 3600.0
            var listBodyBytes = IntakeApp.defaultAllocationListMaxBodyBytes
            let host = try ServiceHost(service: "intake", defaultPort: 8081, publishes: [Topics.intake],
                                       resources: Bundle.module) { reader in
                interval = reader.double("IAS_AUTO_CLOSURE_INTERVAL_SECONDS", default: 3600, range: 0.2...86_400)
                listBodyBytes = reader.int("IAS_ALLOCATION_LIST_MAX_BODY_BYTES", default: IntakeApp.defaultAllocationListMaxBodyBytes,
                                           range: 1024...(64 << 20))
            }
            IntakeApp(host: host, autoClosureIntervalSeconds: interval, allocationListMaxBodyBytes: listBodyBytes).register()
            return host
        }
    }

    public func register() {
        host.route("POST", "/persons", .writeCases) { [self] context in try registerPerson(context) }
        host.route("GET", "/persons", .readCases) { [self] context in try searchPersons(context) }
        host.route("POST", "/allocation-lists", .writeCases, maxBodyBytes: allocationListMaxBodyBytes) { [self] context in
            try registerAllocationList(context)
        }
        host.route("GET", "/persons/{personId}", .readCases) { [self] context in try getPerson(context) }
        host.route("PATCH", "/persons/{personId}", .writeCases) { [self] context in try correctPerson(context) }
        host.route("POST", "/persons/{personId}/regularization", .writeCases) { [self] context in try regularize(context) }
        host.route("POST", "/persons/{personId}/responsibility", .writeCases) { [self] context in try transferResponsibility(context) }
        host.route("GET", "/persons/{personId}/responsibility", .readCases) { [self] context in try responsibilityHistory(context) }
        host.route("POST", "/persons/{personId}/closure", .writeCases) { [self] context in try closeCase(context) }
        host.route("GET", "/households/{householdId}", .readCases) { [self] context in try household(context) }
        host.schedule(ScheduledJob(name: "auto-closure", intervalSeconds: autoClosureIntervalSeconds) { [self] in
            let closed = try closeCasesPastMaximumDuration(today: CalendarDate.today())
            if closed > 0 { host.logger.info("cases closed after the maximum duration", ["count": String(closed)]) }
        })
    }

    // MARK: Handlers

    func registerPerson(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let body = try request.decode(RegisterPersonRequest.self)
        let errors = body.validate(today: CalendarDate.today())
        guard errors.isEmpty else { throw Problem.validation(errors) }
        guard body.mayBeRegistered(by: context.organisation) else {
            throw Problem.forbidden(RegisterPersonRequest.notResponsible)
        }
        let actor = context.actor
        let zemis = body.zemisNumber.map(Validation.normalizedZemis)
        return try host.write(context) { connection in
            if let zemis, let existing = try PersonStore.findByZemis(zemis, on: connection) {
                throw KnownPerson.zemisConflict(existing.identity, context: context)
            }
            try checkForLikelyDuplicates(body, context: context, on: connection)
            let person: PersonRecord
            do {
                person = try PersonStore.insert(body, personId: Identifier(), caseId: Identifier(), zemis: zemis, on: connection)
            } catch let error as PostgresError where error.isUniqueViolation {
                // A concurrent registration of the same ZEMIS number committed first.
                throw Problem.conflict("a person with this ZEMIS number is already registered")
            }
            try host.publish(try EventEnvelope(person.registeredEvent, subject: person.caseId.description, actor: actor,
                                               correlationid: host.correlationId(for: request)),
                             to: Topics.intake, on: connection)
            context.disclose(caseId: person.caseId, personId: person.personId)
            return .json(person, status: 201, headers: [("Location", "/persons/\(person.personId)"), ("ETag", person.etag)])
        }
    }

    func getPerson(_ context: RequestContext) throws -> HTTPResponse {
        guard let id = Identifier(try context.request.parameter("personId")) else { throw Problem.notFound("no person with this id") }
        guard let person = try host.read({ try PersonStore.find(id, on: $0) }) else { throw Problem.notFound("no person with this id") }
        try context.requireCaseAccess(responsibleOrg: person.responsibleOrg, caseId: person.caseId, personId: person.personId)
        return .json(person, headers: [("ETag", person.etag)])
    }

    func searchPersons(_ context: RequestContext) throws -> HTTPResponse {
        let request = context.request
        let page = try Pagination(request)
        var filter = PersonStore.Filter(limit: page.limit + 1)
        filter.zemisNumber = request.query["zemisNumber"].map(Validation.normalizedZemis)
        filter.familyName = request.query["familyName"]
        filter.responsibleOrg = request.query["responsibleOrg"]
        filter.after = page.after
        switch AccessPolicy.caseScope(context.organisation) {
        case .every: break
        case .municipality(let own): filter.municipality = own
        case .none: throw Problem.forbidden("your organisation has no access to persons")
        }
        context.recordFilter(["zemisNumber": filter.zemisNumber, "familyName": filter.familyName,
                              "responsibleOrg": filter.responsibleOrg, "cursor": page.after?.description, "limit": String(page.limit)])
        let rows = try host.read { try PersonStore.search(filter, on: $0) }
        let items = Array(rows.prefix(page.limit))
        context.disclose(items.map { DisclosedRecord(caseId: $0.caseId, personId: $0.personId) })
        return .json(Page(items: items, nextCursor: rows.count > page.limit ? items.last?.personId.description : nil))
    }
}
