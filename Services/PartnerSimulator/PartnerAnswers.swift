import Foundation
import IASContracts
import IASMessaging
import IASRuntime

/// What RAV and the vocational school answer to a referral: pure, so that it can be checked
/// without a broker.
enum PartnerAnswers {
    /// The partner systems the simulator plays (every partner with topics of its own), and the
    /// user each one's answers name as actor.
    static let actors = ["partner:RAV": "rav-simulator", "canton:BKS": "bks-simulator"]

    /// The answer of the partner of `channel`, with that partner's `source`.
    static func envelope<P: EventPayload>(_ payload: P, answering request: EventEnvelope, as channel: PartnerChannel,
                                          time: Date = Date()) throws -> EventEnvelope {
        EventEnvelope(type: P.eventType, source: channel.source, subject: request.subject, time: time,
                      dataversion: P.dataVersion, correlationid: request.correlationid, causationid: request.id,
                      actorsub: actors[channel.organisation] ?? "partner-simulator", actororg: channel.organisation,
                      data: try JSONValue(encoding: payload))
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
