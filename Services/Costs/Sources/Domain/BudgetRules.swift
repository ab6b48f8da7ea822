import IASContracts

/// The money rules of the lump sum, pure so that they are testable without a database.
public enum BudgetRules {
    /// Only VA and FL receive the integration lump sum; asylum seekers (N) do not.
    public static func opensBudget(_ status: ResidenceStatus) -> Bool { status == .VA || status == .FL }

    /// What a decision commits: the requested amount when granted, the named amount when
    /// partially granted, nothing when rejected. Nil when the amount does not fit the decision.
    public static func grantedAmount(decision: CostDecision, requested: Int, named: Int?) -> Int? {
        switch decision {
        case .granted: return named == nil || named == requested ? requested : nil
        case .partiallyGranted:
            guard let named, named > 0, named <= requested else { return nil }
            return named
        case .rejected: return named == nil || named == 0 ? 0 : nil
        }
    }

    /// True when committing `amount` more stays within the lump sum.
    public static func fits(amount: Int, committed: Int, lumpSum: Int) -> Bool { committed + amount <= lumpSum }

    /// True when this commitment is the one that crosses the threshold (reported once).
    public static func crossesThreshold(before: Int, after: Int, lumpSum: Int, percent: Int) -> Bool {
        guard lumpSum > 0 else { return false }
        let reached = { (committed: Int) in committed * 100 >= lumpSum * percent }
        return !reached(before) && reached(after)
    }
}

extension BudgetRules {
    /// True when `committed` has reached `percent` of the lump sum.
    public static func reaches(committed: Int, lumpSum: Int, percent: Int) -> Bool {
        lumpSum > 0 && committed * 100 >= lumpSum * percent
    }
}
