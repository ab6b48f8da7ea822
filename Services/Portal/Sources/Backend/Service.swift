/// The five services the portal calls; it owns no case data of its own.
public enum Service: String, CaseIterable, Sendable {
    case intake, assessment, plan, costs, coordination
}
