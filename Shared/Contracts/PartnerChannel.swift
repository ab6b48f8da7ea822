/// One partner organisation's exchange with coordination: the topic its referrals go out on,
/// the topic it answers on, and the envelope `source` of its answers. The one place that ties
/// a partner to its topics.
///
/// The inbound topic is what identifies the sender of an answer: only the partner's own Kafka
/// user may write it (ACLs, deploy/README.md), whereas the `source` in the envelope is whatever
/// the sender wrote.
public struct PartnerChannel: Sendable, Equatable {
    /// The partner's organisation, as in consents, measures and referrals (`partner:RAV`).
    public let organisation: String
    /// The envelope `source` of its answers (`/partner/rav`).
    public let source: String
    /// Referrals to the partner (`partner.ReferralRequested`), written by coordination only.
    public let outbound: String
    /// The partner's answers, written by the partner only.
    public let inbound: String

    public static let rav = PartnerChannel(organisation: "partner:RAV", source: "/partner/rav",
                                           outbound: Topics.partnerRAVOutbound, inbound: Topics.partnerRAVInbound)
    public static let bks = PartnerChannel(organisation: "canton:BKS", source: "/partner/bks",
                                           outbound: Topics.partnerBKSOutbound, inbound: Topics.partnerBKSInbound)

    public static let all = [rav, bks]

    /// The channel of the partner organisation `organisation`, if it has one.
    public static func of(organisation: String) -> PartnerChannel? {
        all.first { $0.organisation == organisation }
    }

    /// The partner whose answers arrive on `topic`, if it is an inbound partner topic.
    public static func answering(on topic: String) -> PartnerChannel? {
        all.first { $0.inbound == topic }
    }

    /// The partner whose referrals travel on `topic`, if it is an outbound partner topic.
    public static func referredOn(_ topic: String) -> PartnerChannel? {
        all.first { $0.outbound == topic }
    }
}
