import Foundation
import IASContracts
import IASPostgres
import IASRuntime

/// `GET /referrals`: referrals across cases, narrowed to what concerns the caller.
extension ReferralStore {
    static let statuses = ["awaiting_consent", "sent", "accepted", "enrolled", "ended"]

    struct Filter {
        var scope: AccessPolicy.ReferralScope = .none
        var partner: String?
        var status: String?
        var caseId: Identifier?
        var after: Identifier?
        var limit: Int
    }

    static func list(_ f: Filter, on c: PostgresConnection) throws -> [ReferralRecord] {
        let statement = listQuery(f)
        return try c.query(statement.sql, statement.parameters).map(ReferralRecord.init)
    }

    /// Scopes: every referral; those of the cases a municipality (or its delegates) is
    /// responsible for now; those *sent* to one partner (a partner never sees a referral that
    /// still waits for the person's consent).
    static func listQuery(_ f: Filter) -> PostgresStatement {
        var municipality: String?, sentTo: String?, nothing = false
        switch f.scope {
        case .every: break
        case .municipality(let bfs): municipality = String(bfs)
        case .sentTo(let partner): sentTo = partner
        case .none: nothing = true
        }
        return PostgresStatement("""
            SELECT \(ReferralRecord.columns) FROM referrals r
            WHERE NOT $1::boolean
              AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.case_id = r.case_id
                   AND (c.responsible_org = 'municipality:' || $2 OR c.responsible_org LIKE 'delegate:%:' || $2)))
              AND ($3::text IS NULL OR (r.partner = $3 AND r.status <> 'awaiting_consent'))
              AND ($4::text IS NULL OR r.partner = $4) AND ($5::text IS NULL OR r.status = $5)
              AND ($6::uuid IS NULL OR r.referral_id > $6) AND ($8::uuid IS NULL OR r.case_id = $8)
            ORDER BY r.referral_id LIMIT $7
            """, [nothing, municipality, sentTo, f.partner, f.status, f.after, f.limit, f.caseId])
    }
}
