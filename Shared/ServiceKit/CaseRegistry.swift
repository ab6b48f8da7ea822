import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime

/// The local copy of "which cases exist and who is responsible", kept by every service that
/// is not intake from intake's events. Its table comes with the component "case-registry".
public enum CaseRegistry {
    public static let component = "case-registry"

    public static func migrations() throws -> [Migration] {
        guard let url = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MessagingSetupError("the case-registry migrations are missing from the installation (IASServiceKit resources)")
        }
        return try Migrator.load(directory: url)
    }

    /// Applies the intake events the registry needs; other events are left to the caller.
    public static func apply(_ envelope: EventEnvelope, on c: PostgresConnection) throws {
        switch envelope.type {
        case PersonRegistered.eventType:
            let e = try envelope.payload(PersonRegistered.self)
            try c.execute("""
                INSERT INTO case_registry (case_id, person_id, date_of_birth, status, entered_canton_on, responsible_org)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING
                """, [e.caseId, e.personId, e.dateOfBirth, e.status.rawValue, e.enteredCantonOn, e.responsibleOrg])
        case StatusRegularized.eventType:
            let e = try envelope.payload(StatusRegularized.self)
            try c.execute("UPDATE case_registry SET status = $2, updated_at = now() WHERE case_id = $1", [e.caseId, e.status.rawValue])
        case ResponsibilityTransferred.eventType:
            let e = try envelope.payload(ResponsibilityTransferred.self)
            try c.execute("UPDATE case_registry SET responsible_org = $2, updated_at = now() WHERE case_id = $1", [e.caseId, e.toOrg])
        case CaseClosed.eventType:
            let e = try envelope.payload(CaseClosed.self)
            try c.execute("UPDATE case_registry SET closed_on = $2, updated_at = now() WHERE case_id = $1", [e.caseId, e.closedOn])
        case PersonDataCorrected.eventType:
            let e = try envelope.payload(PersonDataCorrected.self)
            if let text = e.changes["dateOfBirth"]?.stringValue, let date = CalendarDate(text) {
                try c.execute("UPDATE case_registry SET date_of_birth = $2, updated_at = now() WHERE case_id = $1", [e.caseId, date])
            }
        default:
            break
        }
    }

    public struct Entry: Sendable, RowDecodable {
        public let caseId: Identifier
        public let dateOfBirth: CalendarDate
        public let status: ResidenceStatus
        public let enteredCantonOn: CalendarDate
        public let responsibleOrg: String
        public let closedOn: CalendarDate?
    }

    /// The case, or nil until intake's registration has arrived; `lock` holds its row until the
    /// transaction ends, so that the writes of one case take turns.
    public static func find(_ caseId: Identifier, lock: Bool = false, on c: PostgresConnection) throws -> Entry? {
        try c.query("""
            SELECT case_id, date_of_birth, status, entered_canton_on, responsible_org, closed_on FROM case_registry WHERE case_id = $1
            """ + (lock ? " FOR UPDATE" : ""), [caseId]).first.map(Entry.init)
    }
}
