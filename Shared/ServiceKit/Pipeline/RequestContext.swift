import Foundation
import IASAuth
import IASContracts
import IASHTTP
import IASMessaging
import IASRuntime

/// An authenticated request: the verified principal, the caller as the access rules see it,
/// and what the handler declares it disclosed, from which the audit record is written.
public struct RequestContext: Sendable {
    public let request: HTTPRequest
    public let principal: Principal
    public let caller: Caller
    /// What the route declared it needs.
    public let permission: Permission
    let declaration: AuditDeclaration

    init(request: HTTPRequest, principal: Principal, caller: Caller, permission: Permission) {
        self.request = request
        self.principal = principal
        self.caller = caller
        self.permission = permission
        declaration = AuditDeclaration()
    }

    public var organisation: Organisation { caller.organisation }
    public var actor: Actor { Actor(subject: principal.subject, organisation: principal.organisation) }

    /// The caller's `X-Correlation-Id` when it is a UUID, else the request id: the events the
    /// request causes carry it, so that one story can be followed across the services.
    public var correlationId: Identifier {
        request.header("X-Correlation-Id").flatMap(Identifier.init) ?? Identifier(request.requestId) ?? Identifier()
    }

    /// The identifier in the path's `{name}` segment; anything else names nothing: 404
    /// "no <what> with this id".
    public func pathId(_ name: String, _ what: String) throws -> Identifier {
        guard let id = Identifier(try request.parameter(name)) else { throw Problem.notFound("no \(what) with this id") }
        return id
    }

    /// The cause of the changes this request makes.
    public var cause: Cause { Cause(actor: actor, correlationId: correlationId) }

    /// Declares the case (and person) the handler is about to answer for, then throws 403
    /// unless the caller reaches a case for which `responsibleOrg` is responsible. Declared
    /// first, so that a refused attempt is audited with the case it aimed at.
    public func requireCaseAccess(responsibleOrg: String, caseId: Identifier?, personId: Identifier? = nil) throws {
        disclose(caseId: caseId, personId: personId)
        guard AccessPolicy.mayAccessCase(caller.organisation, responsibleOrg: responsibleOrg) else {
            throw Refusal.forbidden("your organisation is not responsible for this case")
        }
    }

    /// Declares a case and/or person the answer names (the audit record lists it).
    public func disclose(caseId: Identifier?, personId: Identifier? = nil) {
        guard caseId != nil || personId != nil else { return }
        declaration.add([DisclosedRecord(caseId: caseId, personId: personId)])
    }

    /// Declares every case and person a list or search answer returned.
    public func disclose(_ records: [DisclosedRecord]) {
        declaration.add(records)
    }

    /// Declares the normalised filter of a list or search (absent parameters left out). The
    /// values of `personal` parameters (a name, a birth date, a ZEMIS number) are recorded as
    /// `withheld`: the trail says that such a search was made and, through the records it
    /// disclosed, whom it returned, but never keeps the term — it outlives the erasure of the
    /// person it named, and a record of the trail cannot be changed.
    public func recordFilter(_ filter: [String: String?], personal: Set<String> = []) {
        declaration.setQuery(Dictionary(uniqueKeysWithValues: filter.compactMap { key, value in
            value.map { (key, personal.contains(key) ? Self.withheldSearchTerm : $0) }
        }))
    }

    /// What the audit trail keeps in place of a personal search term.
    public static let withheldSearchTerm = "withheld"
}

/// What one request's handler declared for its audit record, and whether that record was
/// already written in the request's own transaction. Written by the handler's thread, read by
/// the audit step after it, hence behind a lock.
final class AuditDeclaration: Sendable {
    private struct State {
        var records: [DisclosedRecord] = []
        var seen: Set<DisclosedRecord> = []
        var query: [String: String]?
        var audited = false
    }

    private let state = Locked(State())

    func add(_ records: [DisclosedRecord]) {
        state.withLock { state in
            for record in records where state.seen.insert(record).inserted { state.records.append(record) }
        }
    }

    func setQuery(_ query: [String: String]) {
        state.withLock { $0.query = query }
    }

    func markAudited() { state.withLock { $0.audited = true } }

    var records: [DisclosedRecord] { state.current.records }
    var query: [String: String]? { state.current.query }
    var isAudited: Bool { state.current.audited }
}
