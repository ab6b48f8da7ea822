import Foundation
import IASMessaging
import IASRuntime

/// `audit.PersonalDataAccessed` — one read or write of personal data through the API: who
/// (subject, organisation), what (method, route, case or person), when, the outcome and the
/// request id. Every service writes it to its outbox before it answers, so that no access
/// goes unrecorded even when the process dies right after; coordination keeps the trail.
/// Carries identifiers only: never names, dates of birth or request bodies. A list or search
/// names every case and person it returned (`disclosed`) and the filter it was given (`query`,
/// normalised), so that an auditor can tell whose data left, not only that a list was read.
public struct PersonalDataAccessed: EventPayload, Equatable {
    public static let eventType = "audit.PersonalDataAccessed"
    public static let source = "/ias/audit"

    public enum Action: String, Codable, Sendable { case read, write }

    public var service: String
    public var subject: String
    public var organisation: String
    public var roles: [String]
    public var action: Action
    public var method: String
    /// The route pattern, e.g. `/cases/{caseId}/dossier` (never the query string).
    public var route: String
    public var caseId: Identifier?
    public var personId: Identifier?
    /// The HTTP status of the answer (403/404 record refused attempts too).
    public var status: Int
    public var requestId: String
    public var at: Date
    /// Every case and person the answer named, when it named more than the one above (lists,
    /// searches, a conflict naming another record). Added within dataversion 1: optional.
    public var disclosed: [DisclosedRecord]?
    /// The normalised filter of a list or search (parameter name → value).
    public var query: [String: String]?

    public init(service: String, subject: String, organisation: String, roles: [String], action: Action, method: String,
                route: String, caseId: Identifier?, personId: Identifier?, status: Int, requestId: String, at: Date,
                disclosed: [DisclosedRecord]? = nil, query: [String: String]? = nil) {
        self.service = service; self.subject = subject; self.organisation = organisation; self.roles = roles
        self.action = action; self.method = method; self.route = route; self.caseId = caseId; self.personId = personId
        self.status = status; self.requestId = requestId; self.at = at; self.disclosed = disclosed; self.query = query
    }
}

/// A case and/or person an answer named.
public struct DisclosedRecord: Codable, Sendable, Hashable {
    public var caseId: Identifier?
    public var personId: Identifier?

    public init(caseId: Identifier?, personId: Identifier?) {
        self.caseId = caseId; self.personId = personId
    }
}
