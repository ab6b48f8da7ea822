import Foundation
import IASContracts
import IASPostgres
import IASRuntime
import IASServiceKit

/// Sends referrals to partners: never without a valid consent for that partner or an audited
/// legal-basis override. Automatic referrals start when a partner-delivered measure has a
/// granted cost approval; without consent the responsible organisation gets a task to obtain
/// it, and the referral leaves as soon as the consent is recorded.
enum ReferralDispatcher {
    /// Called when a measure became known and when its cost approval was granted: whichever
    /// arrives second (plan and costs publish on different topics) finds both facts.
    static func considerAutomatic(measureId: Identifier, cause: Cause, on c: PostgresConnection) throws {
        guard let measure = try MeasureFacts.find(measureId, on: c), let partner = measure.partner, measure.granted else { return }
        // Only a partner with topics of its own can receive a referral; the catalogue names no other.
        guard PartnerChannel.of(organisation: partner) != nil else { return }
        guard let snapshot = try CaseSnapshot.lock(measure.caseId, on: c) else {
            throw NotArrivedYet(description: "case \(measure.caseId) of measure \(measureId) is not registered here yet")
        }
        guard try ReferralStore.forMeasure(measureId, on: c) == nil, snapshot.closedOn == nil else { return }
        if let consentId = try ConsentStore.valid(caseId: measure.caseId, partner: partner, on: c) {
            let referralId = try ReferralStore.insertAwaiting(measure, partner: partner, on: c)
            try send(referralId: referralId, measure: measure, partner: partner, snapshot: snapshot, consentId: consentId,
                     overrideReason: nil, cause: cause, on: c)
        } else {
            _ = try ReferralStore.insertAwaiting(measure, partner: partner, on: c)
            try TaskStore.open(caseId: measure.caseId, kind: .obtainConsent, assignee: snapshot.responsibleOrg,
                               subjectRef: "\(partner)", cause: cause, on: c)
        }
    }

    /// After a consent was recorded: every referral of the case waiting for that partner leaves.
    static func sendWaiting(caseId: Identifier, partner: String, consentId: Identifier, snapshot: CaseSnapshot,
                            cause: Cause, on c: PostgresConnection) throws -> [Identifier] {
        var sent: [Identifier] = []
        for referral in try ReferralStore.awaitingConsent(caseId: caseId, partner: partner, on: c) {
            guard let measure = try MeasureFacts.find(referral.measureId, on: c) else { continue }
            try send(referralId: referral.referralId, measure: measure, partner: partner, snapshot: snapshot, consentId: consentId,
                     overrideReason: nil, cause: cause, on: c)
            sent.append(referral.referralId)
        }
        return sent
    }

    /// Writes the outbound message and ReferralSent, marks the referral sent and closes the
    /// consent task of that partner. The referral row exists (awaiting_consent) beforehand.
    static func send(referralId: Identifier, measure: MeasureFacts, partner: String, snapshot: CaseSnapshot,
                     consentId: Identifier?, overrideReason: String?, cause: Cause, on c: PostgresConnection) throws {
        try c.execute("""
            UPDATE referrals SET status = 'sent', consent_id = $2, legal_basis_override = $3, override_reason = $4,
                                 sent_at = now(), sent_by_org = $5
            WHERE referral_id = $1
            """, [referralId, consentId, overrideReason != nil, overrideReason, cause.actor.organisation])
        let message = ReferralRequested(
            referralId: referralId, caseId: measure.caseId, partner: partner, measureId: measure.measureId,
            catalogCode: measure.catalogCode, startsOn: measure.startsOn,
            person: .init(givenName: snapshot.givenName, familyName: snapshot.familyName, dateOfBirth: snapshot.dateOfBirth,
                          languages: snapshot.languages),
            contactOrg: snapshot.responsibleOrg)
        try Emitter.partner(partner, cause, on: c).emit(message, caseId: measure.caseId)
        var event = ReferralSent(caseId: measure.caseId, referralId: referralId, partner: partner, measureId: measure.measureId,
                                 catalogCode: measure.catalogCode, legalBasisOverride: overrideReason != nil)
        event.consentId = consentId
        event.overrideReason = overrideReason
        try Emitter.coordination(cause, on: c).emit(event, caseId: measure.caseId)
        if try ReferralStore.awaitingConsentCount(caseId: measure.caseId, partner: partner, on: c) == 0 {
            try TaskStore.completeOpen(caseId: measure.caseId, kind: .obtainConsent, subjectRef: partner,
                                       outcome: overrideReason == nil ? "consent_recorded" : "legal_basis_override", cause: cause, on: c)
        }
    }
}
