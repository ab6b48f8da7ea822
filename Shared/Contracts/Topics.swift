/// The topics of the contract. Each service publishes to its own topic; the record key is
/// always the case id.
public enum Topics {
    public static let intake = "ias.intake.v1"
    public static let assessment = "ias.assessment.v1"
    public static let plan = "ias.plan.v1"
    public static let costs = "ias.costs.v1"
    public static let coordination = "ias.coordination.v1"
    public static let partnerOutbound = "iiz.partner.outbound.v1"
    public static let partnerInbound = "iiz.partner.inbound.v1"
    /// The audit trail of personal-data access, written by every service, kept by coordination.
    public static let audit = "ias.audit.v1"

    public static let all = [intake, assessment, plan, costs, coordination, partnerOutbound, partnerInbound, audit]
}
