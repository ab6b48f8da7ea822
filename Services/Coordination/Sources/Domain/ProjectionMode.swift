/// Whether applying an event also does coordination's own work.
///
/// The dossier handlers do two things at once: they write the dossier tables (a pure
/// projection of the topics) and, as the event first arrives, they do coordination's own work:
/// open, reassign and complete tasks, send automatic referrals, and record the events of that
/// work in the outbox and the timeline. A rebuild from the topics must write the same dossier
/// tables without doing that work a second time.
enum ProjectionMode: Sendable, Equatable {
    /// The live consumer `dossier`: the dossier tables and coordination's own work.
    case live
    /// `rebuild-dossier`: only the dossier tables; the work was done when the event first arrived.
    case rebuild

    /// Runs `work` only when live. Every effect beyond the dossier tables goes through here,
    /// with its arguments inside the closure, so that a rebuild does not even read for it.
    func coordinationWork(_ work: () throws -> Void) rethrows {
        if self == .live { try work() }
    }
}
