/// The topics of the contract. Each service publishes to its own topic; the record key is
/// always the case id.
///
/// Each partner has a pair of topics of its own (PartnerChannel), so that ACLs can give it
/// exactly what was sent to it: the contract's single pair `iiz.partner.outbound.v1` /
/// `iiz.partner.inbound.v1` is replaced by one pair per partner ("Partners see nothing but what
/// was sent to them, each partner on its own topics").
public enum Topics {
    public static let intake = "ias.intake.v1"
    public static let assessment = "ias.assessment.v1"
    public static let plan = "ias.plan.v1"
    public static let costs = "ias.costs.v1"
    public static let coordination = "ias.coordination.v1"
    /// Referrals to the job centre (RAV/AMIplus), and its answers.
    public static let partnerRAVOutbound = "iiz.partner.rav.outbound.v1"
    public static let partnerRAVInbound = "iiz.partner.rav.inbound.v1"
    /// Referrals to the cantonal vocational education office (BKS), and its answers.
    public static let partnerBKSOutbound = "iiz.partner.bks.outbound.v1"
    public static let partnerBKSInbound = "iiz.partner.bks.inbound.v1"
    /// The audit trail of personal-data access, written by every service, kept by coordination.
    public static let audit = "ias.audit.v1"

    public static let all = [intake, assessment, plan, costs, coordination,
                             partnerRAVOutbound, partnerRAVInbound, partnerBKSOutbound, partnerBKSInbound, audit]
}
