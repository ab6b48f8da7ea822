import IASRuntime
import IASContracts

/// Which handovers the concept allows for each reason: the canton assigns a case to a
/// municipality, a municipality hands it to another on relocation, and a municipality
/// delegates the work to a mandated organisation of its own (or takes it back) while staying
/// legally responsible.
enum TransferRules {
    /// Why the move breaks the rules, or nil when it is allowed. `from == to` is the caller's
    /// concern (a conflict, not a broken rule).
    static func violation(from: Organisation, to: Organisation, reason: TransferReason) -> String? {
        switch reason {
        case .assignment:
            guard case .canton = from else { return "an assignment hands a case from the canton to a municipality; this case is already with \(from)" }
            guard case .municipality = to else { return "an assignment goes to a municipality (municipality:<BFS number>)" }
            return nil
        case .relocation:
            guard let origin = AccessPolicy.actingMunicipality(from) else {
                return "a relocation moves a case between municipalities; this case is with \(from): use an assignment"
            }
            guard case .municipality(let target) = to else { return "a relocation goes to a municipality (municipality:<BFS number>)" }
            guard target != origin else { return "a relocation goes to another municipality; use a delegation within the same municipality" }
            return nil
        case .delegation:
            guard let origin = AccessPolicy.actingMunicipality(from) else {
                return "only a municipality delegates a case; the canton first assigns it to a municipality"
            }
            switch to {
            case .delegate(_, let bfs) where bfs == origin: return nil
            case .municipality(let bfs) where bfs == origin:
                if case .delegate = from { return nil }   // the municipality takes the work back
                return "a delegation goes to a mandated organisation of the same municipality (delegate:<name>:\(origin))"
            default:
                return "a delegation goes to a mandated organisation of the same municipality (delegate:<name>:\(origin))"
            }
        }
    }
}
