import IASContracts

/// The life of a measure: planned → approved → enrolled → started → completed, with
/// interrupted (once enrolled or started) and dropped (at any point before the end) as the
/// ways out. Completed, interrupted and dropped are final: a new attempt is a new measure.
public enum MeasureStateMachine {
    public static func allowed(from: MeasureStatus) -> Set<MeasureStatus> {
        switch from {
        case .planned: return [.approved, .dropped]
        case .approved: return [.enrolled, .dropped]
        case .enrolled: return [.started, .interrupted, .dropped]
        case .started: return [.completed, .interrupted, .dropped]
        case .completed, .interrupted, .dropped: return []
        }
    }

    public static func canMove(from: MeasureStatus, to: MeasureStatus) -> Bool { allowed(from: from).contains(to) }

    public static func isFinal(_ status: MeasureStatus) -> Bool { allowed(from: status).isEmpty }

    /// Leaving the plan early is a deviation the canton follows up.
    public static func isDeviation(_ status: MeasureStatus) -> Bool { status == .interrupted || status == .dropped }

    /// The moves a partner's "ended" answer stands for, from the measure's current state:
    /// a completion walks the remaining steps (a partner does not report each one).
    public static func pathForPartnerEnd(from: MeasureStatus, outcome: String) -> [MeasureStatus]? {
        switch outcome {
        case "completed":
            switch from {
            case .approved: return [.enrolled, .started, .completed]
            case .enrolled: return [.started, .completed]
            case .started: return [.completed]
            default: return isFinal(from) ? [] : nil
            }
        case "interrupted":
            switch from {
            case .enrolled, .started: return [.interrupted]
            case .planned, .approved: return [.dropped]   // never began: it did not take place
            default: return []
            }
        case "dropped":
            return isFinal(from) ? [] : [.dropped]
        default:
            return nil
        }
    }

    /// The moves a partner's "enrolled" answer stands for.
    public static func pathForPartnerEnrolment(from: MeasureStatus) -> [MeasureStatus] {
        from == .approved ? [.enrolled] : []
    }
}
