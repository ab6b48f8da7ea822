import Foundation
import IASContracts
import IASHTTP
import IASPostgres
import IASRuntime
import IASServiceKit

/// `POST/GET /cases/{caseId}/consents`, `DELETE /cases/{caseId}/consents/{consentId}`.
extension CoordinationApp {
    struct RecordedConsent: Encodable {
        let consent: ConsentRecord
        /// Referrals that waited for this consent and left with it.
        let referralsSent: [Identifier]
        enum CodingKeys: String, CodingKey { case referralsSent }
        func encode(to encoder: Encoder) throws {
            try consent.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(referralsSent, forKey: .referralsSent)
        }
    }

    func recordConsent(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let body = try context.request.decode(RecordConsentRequest.self)
        let today = CalendarDate.today()
        try Problem.throwIfInvalid(body.validate(today: today))
        let cause = context.cause
        return try host.write(context) { c in
            let snapshot = try context.access(CaseSnapshot.lock(caseId, on: c), forChange: true)
            let consent = try ConsentStore.insert(caseId: caseId, body, actor: cause, on: c)
            var sent: [Identifier] = []
            if consent.state == ConsentRules.State.valid.rawValue {
                sent = try ReferralDispatcher.sendWaiting(caseId: caseId, partner: body.partner, consentId: consent.consentId,
                                                          snapshot: snapshot, cause: cause, on: c)
            }
            return .json(RecordedConsent(consent: consent, referralsSent: sent), status: 201,
                         headers: [("Location", "/cases/\(caseId)/consents/\(consent.consentId)")])
        }
    }

    func listConsents(_ context: RequestContext) throws -> HTTPResponse {
        try host.casePage(context, case: { id, c in try CaseSnapshot.find(id, on: c) },
                          records: { id, page, c in try ConsentStore.page(caseId: id, after: page.after, limit: page.fetchLimit, on: c) }, key: \.consentId)
    }

    /// A withdrawn consent is kept (it covered what was sent before) and marked withdrawn.
    func withdrawConsent(_ context: RequestContext) throws -> HTTPResponse {
        let caseId = try context.pathId("caseId", "case")
        let consentId = try context.pathId("consentId", "consent")
        let cause = context.cause
        return try host.write(context) { c in
            try context.access(CaseSnapshot.lock(caseId, on: c))
            guard let consent = try ConsentStore.find(caseId: caseId, consentId: consentId, on: c) else {
                throw Refusal.notFound("no consent with this id for this case")
            }
            guard consent.withdrawnAt == nil else { throw Refusal.conflict("this consent was already withdrawn") }
            return .json(try ConsentStore.withdraw(consentId, actor: cause, on: c))
        }
    }
}

extension ConsentStore {
    static func page(caseId: Identifier, after: Identifier?, limit: Int, on c: PostgresConnection) throws -> [ConsentRecord] {
        try c.query("""
            SELECT \(ConsentRecord.columns) FROM consents WHERE case_id = $1 AND ($2::uuid IS NULL OR consent_id > $2)
            ORDER BY consent_id LIMIT $3
            """, [caseId, after, limit]).map { try ConsentRecord(row: $0) }
    }
}
