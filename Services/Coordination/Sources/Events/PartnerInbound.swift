import Foundation
import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// Answers of RAV and the vocational school, each on its own inbound topic
/// (`iiz.partner.rav.inbound.v1`, `iiz.partner.bks.inbound.v1`). Their own consumer, so that a
/// message that can never be processed only ever delays partner answers, never the internal
/// events. Each answer becomes PartnerUpdateReceived, which the plan service turns into
/// measure states.
///
/// The sender of an answer is the partner whose topic it came on: only that partner may write
/// there (ACLs), while the envelope's `source` is whatever the sender claims. An answer must
/// concern a referral sent to that partner, and its `source` must not claim another one.
enum PartnerInbound {
    static let topics = PartnerChannel.all.map(\.inbound)

    static func apply(_ envelope: EventEnvelope, arrivedOn topic: String, rules: TaskRules = .bundled, on c: PostgresConnection) throws {
        guard let sender = PartnerChannel.answering(on: topic) else {
            throw EventRejected("message \(envelope.id) came on \(topic), which is no partner's inbound topic")
        }
        guard envelope.source == sender.source else {
            throw EventRejected("message \(envelope.id) on \(topic) (\(sender.organisation)) claims to come from \(envelope.source)")
        }
        let referralId: Identifier, caseId: Identifier
        switch envelope.type {
        case ReferralAccepted.eventType:
            let e = try envelope.payload(ReferralAccepted.self); referralId = e.referralId; caseId = e.caseId
        case MeasureEnrolled.eventType:
            let e = try envelope.payload(MeasureEnrolled.self); referralId = e.referralId; caseId = e.caseId
        case MeasureEnded.eventType:
            let e = try envelope.payload(MeasureEnded.self); referralId = e.referralId; caseId = e.caseId
        default:
            throw EventRejected("message \(envelope.id) has type \(envelope.type), which partners do not send")
        }
        guard let referral = try ReferralStore.find(referralId, on: c) else {
            throw EventRejected("message \(envelope.id) answers referral \(referralId), which coordination never sent")
        }
        guard referral.caseId == caseId, envelope.subject == caseId.description else {
            throw EventRejected("message \(envelope.id) names case \(caseId), but referral \(referralId) belongs to another case")
        }
        // A partner answers only for the referrals sent to it.
        guard referral.partner == sender.organisation else {
            throw EventRejected("message \(envelope.id) on \(topic) (\(sender.organisation)) answers a referral sent to \(referral.partner)")
        }
        guard referral.status != "awaiting_consent" else {
            throw EventRejected("message \(envelope.id) answers referral \(referralId), which has not been sent")
        }
        let cause = Cause(actor: Actor(subject: envelope.actorsub, organisation: referral.partner),
                          correlationId: envelope.correlationid, causationId: envelope.id)
        let update: PartnerUpdateReceived
        switch envelope.type {
        case ReferralAccepted.eventType:
            let e = try envelope.payload(ReferralAccepted.self)
            try ReferralStore.updateStatus(referralId, status: Self.later(referral.status, "accepted"), .acceptedOn, date: e.acceptedOn, on: c)
            update = PartnerUpdateReceived(caseId: caseId, referralId: referralId, partner: referral.partner,
                                           measureId: referral.measureId, update: .accepted, on: e.acceptedOn)
        case MeasureEnrolled.eventType:
            let e = try envelope.payload(MeasureEnrolled.self)
            try ReferralStore.updateStatus(referralId, status: Self.later(referral.status, "enrolled"), .enrolledOn, date: e.enrolledOn,
                                           startsOn: e.startsOn, on: c)
            update = PartnerUpdateReceived(caseId: caseId, referralId: referralId, partner: referral.partner,
                                           measureId: referral.measureId, update: .enrolled, on: e.enrolledOn)
        default:
            let e = try envelope.payload(MeasureEnded.self)
            try ReferralStore.updateStatus(referralId, status: "ended", .endedOn, date: e.endedOn, outcome: e.outcome.rawValue, on: c)
            update = PartnerUpdateReceived(caseId: caseId, referralId: referralId, partner: referral.partner,
                                           measureId: referral.measureId, update: .ended, on: e.endedOn, outcome: e.outcome.rawValue)
        }
        try Emitter.coordination(cause, on: c).emit(update, caseId: caseId)
        // The responsible office is told by a task; the system opens it, not the partner.
        try TaskPrompts.partnerUpdate(update, rules: rules, cause: .event(envelope), on: c)
    }

    static let order = ["sent", "accepted", "enrolled", "ended"]

    /// A late answer (accepted after enrolled) never moves a referral back.
    static func later(_ current: String, _ next: String) -> String {
        (order.firstIndex(of: next) ?? 0) >= (order.firstIndex(of: current) ?? 0) ? next : current
    }
}
