/// The topics of the contract. Each service publishes to its own topic; the record key is
/// always the case id.
///
/// Kept: the case-event topics without time limit (replays and the dossier rebuild read them
/// from the start; the personal data in them is sealed per case), the key topic compacted, the
/// outbound partner topics for the partner-messages rule (the partner keeps its own copy).
///
/// Each partner has a pair of topics of its own (PartnerChannel), so that ACLs can give it
/// exactly what was sent to it: the contract's single pair `iiz.partner.outbound.v1` /
/// `iiz.partner.inbound.v1` is replaced by one pair per partner ("Partners see nothing but what
/// was sent to them, each partner on its own topics").
public enum Topics {
    public static let intake = "ias.intake.v1"
    /// The case keys that seal the personal data of intake's events (`CaseKeyIssued`,
    /// `CaseKeyDestroyed`): compacted, so that a destroyed key leaves only its destruction.
    public static let caseKeys = "ias.intake.case-keys.v1"
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

    /// Settings a topic is created with where they differ from the broker's defaults: the key
    /// topic keeps only the last record of each case (deploy/k8s/base/create-topics.sh sets the same).
    public static let settings: [String: [String: String]] = [caseKeys: ["cleanup.policy": "compact"]]

    public static let all = [intake, caseKeys, assessment, plan, costs, coordination,
                             partnerRAVOutbound, partnerRAVInbound, partnerBKSOutbound, partnerBKSInbound, audit]
}
