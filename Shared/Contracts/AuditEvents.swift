import Foundation
import IASMessaging
import IASRuntime

/// `audit.PersonalDataAccessed` — one read or write of personal data through the API: who
/// (subject, organisation), what (method, route, case or person), when, the outcome and the
/// request id. Every service writes it to its outbox before it answers, so that no access
/// goes unrecorded even when the process dies right after; coordination keeps the trail.
/// Carries identifiers only: never names, dates of birth or request bodies.
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

    public init(service: String, subject: String, organisation: String, roles: [String], action: Action, method: String,
                route: String, caseId: Identifier?, personId: Identifier?, status: Int, requestId: String, at: Date) {
        self.service = service; self.subject = subject; self.organisation = organisation; self.roles = roles
        self.action = action; self.method = method; self.route = route; self.caseId = caseId; self.personId = personId
        self.status = status; self.requestId = requestId; self.at = at
    }
}
