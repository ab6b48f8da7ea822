import IASContracts

/// One table of the dossier projection, as `rebuild-dossier` compares and swaps it.
struct DossierTable: Sendable, Equatable {
    let name: String
    /// The primary key: identifies "the same row" in the live and the rebuilt table.
    let key: [String]
    /// Bookkeeping columns set at the moment a row is written (`now()`): they differ between
    /// the live and the rebuilt row by nature and are left out of the comparison.
    let bookkeeping: [String]
    /// SQL condition of the live rows that are not built from the four topics: the comparison
    /// leaves them out and a swap keeps them.
    let ownRows: String?
    /// The column naming the case (`uuid`, in the timeline `text`): every row belongs to one.
    let caseColumn = "case_id"

    init(_ name: String, key: [String], bookkeeping: [String] = [], ownRows: String? = nil) {
        self.name = name; self.key = key; self.bookkeeping = bookkeeping; self.ownRows = ownRows
    }
}

/// The tables `DossierProjection` writes. Not here, because they are coordination's own
/// records and not built from the topics: tasks, consents, referrals, the documents (their
/// descriptions, versions, sealed content, case keys and retention rules; no topic holds
/// their content, so nothing could rebuild it), the audit trail, what erased cases left for the
/// indicators (their events are skipped by the rebuild), the record of the digest mails, and the messaging tables (outbox,
/// inbox, idempotency keys).
enum DossierTables {
    /// The schema `rebuild-dossier` builds into, in coordination's own database.
    static let rebuildSchema = "dossier_rebuild"

    /// In the order a swap locks them: the timeline first, because every live event
    /// transaction writes it first, so that a swap and a live event never wait for each other
    /// crosswise (no deadlock).
    static let all: [DossierTable] = [
        // Coordination's own events (tasks, referrals, consents, partner answers) are written
        // into the timeline with the work itself; they are not on the four topics.
        DossierTable("timeline", key: ["event_id"], bookkeeping: ["received_at"], ownRows: "source = '\(TaskOpened.source)'"),
        DossierTable("cases", key: ["case_id"], bookkeeping: ["updated_at"]),
        DossierTable("responsibility_history", key: ["case_id", "event_id"]),
        DossierTable("assessments", key: ["assessment_id"]),
        DossierTable("target_groups", key: ["event_id"]),
        DossierTable("plans", key: ["case_id"]),
        DossierTable("measures", key: ["measure_id"]),
        DossierTable("approvals", key: ["approval_id"]),
        DossierTable("budgets", key: ["case_id"]),
        DossierTable("final_reports", key: ["report_id"]),
        DossierTable("deviations", key: ["event_id"]),
    ]

    /// The live consumer whose work the rebuild repeats, and its Kafka group.
    static let consumer = "dossier"
    static let consumerGroup = "ias-coordination-dossier"
}
