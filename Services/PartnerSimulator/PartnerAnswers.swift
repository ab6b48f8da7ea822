import Foundation
import IASContracts
import IASMessaging
import IASRuntime

/// What RAV and the vocational school answer to a referral: pure, so that it can be checked
/// without a broker.
enum PartnerAnswers {
    /// The partner systems the simulator plays, by the organisation named in the referral.
    static let partners: [String: (source: String, actor: String)] = [
        "partner:RAV": ("/partner/rav", "rav-simulator"),
        "canton:BKS": ("/partner/bks", "bks-simulator"),
    ]

    static func envelope<P: EventPayload>(_ payload: P, answering request: EventEnvelope, partner: String,
                                          time: Date = Date()) throws -> EventEnvelope {
        guard let identity = partners[partner] else { throw UnknownPartner(partner: partner) }
        return EventEnvelope(type: P.eventType, source: identity.source, subject: request.subject, time: time,
                             dataversion: P.dataVersion, correlationid: request.correlationid, causationid: request.id,
                             actorsub: identity.actor, actororg: partner, data: try JSONValue(encoding: payload))
    }

    static func accepted(_ r: ReferralRequested, on day: CalendarDate) -> ReferralAccepted {
        ReferralAccepted(referralId: r.referralId, caseId: r.caseId, acceptedOn: day)
    }

    /// Enrolled today; the measure starts on the planned day, or today when that has passed.
    static func enrolled(_ r: ReferralRequested, on day: CalendarDate) -> MeasureEnrolled {
        MeasureEnrolled(referralId: r.referralId, caseId: r.caseId, enrolledOn: day, startsOn: max(r.startsOn ?? day, day))
    }

    static func ended(_ r: ReferralRequested, on day: CalendarDate) -> MeasureEnded {
        MeasureEnded(referralId: r.referralId, caseId: r.caseId, endedOn: day, outcome: .completed)
    }
}

struct UnknownPartner: Error, CustomStringConvertible {
    let partner: String
    var description: String { "the simulator does not play \(partner)" }
}
