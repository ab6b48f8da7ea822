import Foundation
import IASPostgres
import IASRuntime
import IASServiceKit

/// What coordination knows of a case for its own work: the person for a referral, who is
/// responsible, whether it is closed.
struct CaseSnapshot: Sendable, CaseRecord, RowDecodable {
    let caseId: Identifier
    let givenName: String
    let familyName: String
    let dateOfBirth: CalendarDate
    let languages: [String]
    let status: String
    let responsibleOrg: String
    let closedOn: CalendarDate?
    var knownPersonId: Identifier? { nil }

    static func lock(_ caseId: Identifier, on c: PostgresConnection) throws -> CaseSnapshot? {
        try find(caseId, lock: true, on: c)
    }

    /// The case, or nil until its registration has arrived; `lock` holds its row until the
    /// transaction ends.
    static func find(_ caseId: Identifier, lock: Bool = false, on c: PostgresConnection) throws -> CaseSnapshot? {
        try c.query("""
            SELECT case_id, given_name, family_name, date_of_birth, languages, status, responsible_org, closed_on
            FROM cases WHERE case_id = $1
            """ + (lock ? " FOR UPDATE" : ""), [caseId]).first.map(CaseSnapshot.init)
    }

    /// Who works on a case that coordination has not seen registered yet: the canton's social service.
    static func responsibleOrg(_ caseId: Identifier, on c: PostgresConnection) throws -> String {
        try c.query("SELECT responsible_org FROM cases WHERE case_id = $1", [caseId]).first?.string("responsible_org") ?? "canton:KSD"
    }
}

