/// Who may see and change which case (CONTRACT.md, "Identity and access"). Every service asks
/// these questions on every request, with the responsible organisation it learnt from
/// intake's events, so that access moves with a handover.
public enum AccessPolicy {
    /// Canton KSD and DVI may read and write every case.
    public static func seesEveryCase(_ org: Organisation) -> Bool {
        org == .canton("KSD") || org == .canton("DVI")
    }

    /// The municipality an organisation acts for: itself, or the one a delegate works for.
    public static func actingMunicipality(_ org: Organisation) -> Int? {
        switch org {
        case .municipality(let bfs), .delegate(_, let bfs): return bfs
        default: return nil
        }
    }

    /// A municipality and its delegates reach the cases the municipality is currently
    /// responsible for (directly or through a delegate); the canton's case managers reach all.
    public static func mayAccessCase(_ org: Organisation, responsibleOrg: String) -> Bool {
        if seesEveryCase(org) { return true }
        guard let own = actingMunicipality(org), let responsible = Organisation(responsibleOrg) else { return false }
        return actingMunicipality(responsible) == own
    }
}
