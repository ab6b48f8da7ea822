import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// Intake's part of the erasure at the end of retention: the person (name, birth date, ZEMIS
/// number, …) and the history of responsibility are deleted, so that neither the searches nor
/// the duplicate checks find them again. The allocation lists keep only their counts. The key
/// of the case's events is destroyed (by the retention job) and `CaseKeyDestroyed` goes to the
/// key topic with the case id as record key: every service deletes its copy, and compaction
/// drops the record that carried it, so the sealed personal data on the topics reads no more.
enum PersonErasure {
    static let erasure = CaseErasure(due: { closedOnOrBefore, limit, c in
        try c.query("""
            SELECT case_id FROM persons WHERE closed_on <= $1 ORDER BY closed_on, case_id LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [closedOnOrBefore, limit]).map { try $0.identifier("case_id") }
    }, erase: { caseId, c in
        try Emitter(topic: Topics.caseKeys, cause: .own(actor), connection: c).emit(CaseKeyDestroyed(caseId: caseId), caseId: caseId)
        return try c.execute("DELETE FROM responsibility_transfers WHERE case_id = $1", [caseId])
            + c.execute("DELETE FROM persons WHERE case_id = $1", [caseId])
    })

    static let actor = Actor(subject: "retention", organisation: "system")
}
