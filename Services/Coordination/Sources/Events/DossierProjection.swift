import IASContracts
import IASMessaging
import IASPostgres
import IASRuntime
import IASServiceKit

/// Applies events of every service to the dossier tables. Called inside the event
/// processor's transaction, after the inbox row was written: each event is applied once.
/// Effects that are coordination's own work (tasks, automatic referrals) happen in the same
/// transaction, so an event and its consequences commit together; `mode` says whether they
/// happen at all (`.rebuild` writes only the dossier tables, see `ProjectionMode`).
enum DossierProjection {
    static let topics = [Topics.intake, Topics.assessment, Topics.plan, Topics.costs]

    static func apply(_ envelope: EventEnvelope, mode: ProjectionMode, rules: TaskRules = .bundled, on c: PostgresConnection) throws {
        // Every event joins the case's timeline, also those the projection does not interpret.
        try Timeline.insert(envelope, on: c)
        let cause = Cause.event(envelope)
        switch envelope.type {
        case PersonRegistered.eventType:
            try personRegistered(try envelope.payload(PersonRegistered.self), envelope: envelope, on: c)
        case StatusRegularized.eventType:
            let e = try envelope.payload(StatusRegularized.self)
            try requireCase(e.caseId, envelope, on: c)
            try c.execute("""
                UPDATE cases SET previous_status = status, status = $2, regularized_on = $3, status_decided_on = $3, updated_at = now()
                WHERE case_id = $1
                """, [e.caseId, e.status.rawValue, e.decidedOn])
            try mode.coordinationWork { try TaskPrompts.regularized(e, rules: rules, cause: cause, on: c) }
        case ResponsibilityTransferred.eventType:
            try responsibilityTransferred(try envelope.payload(ResponsibilityTransferred.self), envelope: envelope, cause: cause,
                                          mode: mode, rules: rules, on: c)
        case PersonDataCorrected.eventType:
            let e = try envelope.payload(PersonDataCorrected.self)
            try requireCase(e.caseId, envelope, on: c)
            try PersonCorrections.apply(e, on: c)
        case CaseClosed.eventType:
            let e = try envelope.payload(CaseClosed.self)
            try requireCase(e.caseId, envelope, on: c)
            try c.execute("""
                UPDATE cases SET closed_on = $2, closure_reason = $3, closure_outcome = $4, updated_at = now() WHERE case_id = $1
                """, [e.caseId, e.closedOn, e.reason.rawValue, e.outcome?.rawValue])
            try mode.coordinationWork {
                try TaskStore.completeAllOpen(caseId: e.caseId, outcome: "case_closed", cause: cause, on: c)
            }
        default:
            try ServiceEventsProjection.apply(envelope, cause: cause, mode: mode, rules: rules, on: c)
        }
    }

    private static func personRegistered(_ e: PersonRegistered, envelope: EventEnvelope, on c: PostgresConnection) throws {
        guard e.caseId.description == envelope.subject else {
            throw EventRejected("event \(envelope.id): subject \(envelope.subject) is not the caseId of its data")
        }
        try c.execute("""
            INSERT INTO cases (case_id, person_id, zemis_number, given_name, family_name, date_of_birth, sex, nationality, languages,
                               status, entered_canton_on, status_decided_on, household_id, accommodation, responsible_org, registered_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (case_id) DO NOTHING
            """, [e.caseId, e.personId, e.zemisNumber, e.givenName, e.familyName, e.dateOfBirth, e.sex.rawValue, e.nationality,
                  try PostgresJSON(e.languages), e.status.rawValue, e.enteredCantonOn, e.statusDecidedOn, e.householdId,
                  e.accommodation.rawValue, e.responsibleOrg, envelope.time])
        try c.execute("""
            INSERT INTO responsibility_history (case_id, event_id, org, since, reason, occurred_at) VALUES ($1, $2, $3, $4, 'registration', $5)
            ON CONFLICT DO NOTHING
            """, [e.caseId, envelope.id, e.responsibleOrg, e.enteredCantonOn, envelope.time])
    }

    private static func responsibilityTransferred(_ e: ResponsibilityTransferred, envelope: EventEnvelope, cause: Cause,
                                                  mode: ProjectionMode, rules: TaskRules, on c: PostgresConnection) throws {
        try requireCase(e.caseId, envelope, on: c)
        try c.execute("UPDATE cases SET responsible_org = $2, updated_at = now() WHERE case_id = $1", [e.caseId, e.toOrg])
        try c.execute("""
            INSERT INTO responsibility_history (case_id, event_id, org, since, reason, from_org, occurred_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
            """, [e.caseId, envelope.id, e.toOrg, e.effectiveOn, e.reason.rawValue, e.fromOrg, envelope.time])
        try mode.coordinationWork {
            // An office that hands the case on before confirming its own takeover has acted on
            // the case: that confirmation is done, not work for the next office (which would
            // otherwise list two takeovers of one case).
            try TaskStore.completeOpen(caseId: e.caseId, kind: .handover, outcome: "handed_on", cause: cause, on: c)
            try TaskStore.reassignOpen(caseId: e.caseId, from: e.fromOrg, to: e.toOrg, on: c)
            // The receiving organisation confirms it took the case over: the case is never ownerless.
            try TaskStore.open(caseId: e.caseId, kind: .handover, assignee: e.toOrg, subjectRef: "\(e.toOrg)@\(e.effectiveOn)",
                               dueOn: rules[.handover].dueOn(from: e.effectiveOn), cause: cause, on: c)
        }
    }

    /// Intake publishes a case's events in order on one partition: an event about a case that
    /// was never registered can never be applied.
    private static func requireCase(_ caseId: Identifier, _ envelope: EventEnvelope, on c: PostgresConnection) throws {
        guard caseId.description == envelope.subject else {
            throw EventRejected("event \(envelope.id): subject \(envelope.subject) is not the caseId of its data")
        }
        guard try c.query("SELECT 1 FROM cases WHERE case_id = $1", [caseId]).first != nil else {
            throw EventRejected("event \(envelope.id) of type \(envelope.type) refers to case \(caseId), which was never registered")
        }
    }
}

/// Corrections of identity data: only the fields of the registration, each to its column.
enum PersonCorrections {
    static let columns: [String: String] = [
        "zemisNumber": "zemis_number", "givenName": "given_name", "familyName": "family_name", "dateOfBirth": "date_of_birth",
        "sex": "sex", "nationality": "nationality", "statusDecidedOn": "status_decided_on", "householdId": "household_id",
        "accommodation": "accommodation",
    ]

    static func apply(_ e: PersonDataCorrected, on c: PostgresConnection) throws {
        for (field, value) in e.changes.sorted(by: { $0.key < $1.key }) {
            if field == "languages" {
                guard case .array = value else { continue }
                try c.execute("UPDATE cases SET languages = $2::jsonb, updated_at = now() WHERE case_id = $1", [e.caseId, try PostgresJSON(value)])
                continue
            }
            // Only known columns (from the fixed map above) are ever named in SQL.
            guard let column = columns[field] else { continue }
            let text: String?
            switch value {
            case .null: text = nil
            default:
                guard let s = value.stringValue else { continue }
                text = s
            }
            if column == "date_of_birth" || column == "given_name" || column == "family_name" || column == "sex"
                || column == "nationality" || column == "accommodation", text == nil { continue }
            let cast = column.hasSuffix("_on") || column == "date_of_birth" ? "::date" : (column == "household_id" ? "::uuid" : "")
            try c.execute("UPDATE cases SET \(column) = $2\(cast), updated_at = now() WHERE case_id = $1", [e.caseId, text])
        }
        try c.execute("UPDATE cases SET person_version = GREATEST(person_version, $2) WHERE case_id = $1", [e.caseId, e.version])
    }
}
