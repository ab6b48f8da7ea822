-- What the dossier shows beyond the person, and the work coordination itself does: tasks,
-- consents, referrals. Everything but tasks, consents and referrals is built from events.
ALTER TABLE cases ADD COLUMN previous_status text;
ALTER TABLE cases ADD COLUMN regularized_on date;
ALTER TABLE cases ADD COLUMN closed_on date;
ALTER TABLE cases ADD COLUMN closure_reason text;
ALTER TABLE cases ADD COLUMN closure_outcome text;
ALTER TABLE cases ADD COLUMN person_version integer NOT NULL DEFAULT 1;
CREATE INDEX cases_entered_canton_on ON cases (entered_canton_on);

ALTER TABLE responsibility_history ADD COLUMN from_org text;
-- Several handovers can take effect on one day: their order is the order they happened.
ALTER TABLE responsibility_history ADD COLUMN occurred_at timestamptz;

CREATE TABLE assessments (
    assessment_id       uuid        PRIMARY KEY,
    case_id             uuid        NOT NULL,
    kind                text        NOT NULL,
    held_on             date        NOT NULL,
    listening           text        NOT NULL,
    speaking            text        NOT NULL,
    reading             text        NOT NULL,
    writing             text        NOT NULL,
    literate            boolean     NOT NULL,
    school_years        integer     NOT NULL,
    vocational_years    integer     NOT NULL,
    health_restriction  text        NOT NULL,
    childcare_duties    boolean     NOT NULL
);
CREATE INDEX assessments_case ON assessments (case_id, held_on);

-- Every triage decision, the newest is the current target group.
CREATE TABLE target_groups (
    event_id                  uuid        PRIMARY KEY,
    case_id                   uuid        NOT NULL,
    target_group              text        NOT NULL,
    pathway                   text        NOT NULL,
    decided_on                date        NOT NULL,
    age_at_decision           integer     NOT NULL,
    assessment_id             uuid,
    rule_set_version          text,
    rule_id                   text,
    override_reason           text,
    potential_assessment_due  boolean     NOT NULL,
    occurred_at               timestamptz NOT NULL
);
CREATE INDEX target_groups_case ON target_groups (case_id, occurred_at);

CREATE TABLE plans (
    case_id              uuid        PRIMARY KEY,
    plan_id              uuid        NOT NULL,
    target_group         text        NOT NULL,
    pathway              text        NOT NULL,
    agreement_signed_on  date,
    goal_count           integer,
    review_every_months  integer,
    next_review_due      date,
    last_review_on       date,
    last_review_outcome  text
);

CREATE TABLE measures (
    measure_id             uuid        PRIMARY KEY,
    case_id                uuid        NOT NULL,
    plan_id                uuid        NOT NULL,
    catalog_code           text        NOT NULL,
    field_of_action        text        NOT NULL,
    funding_source         text        NOT NULL,
    partner                text,
    provider               text,
    starts_on              date        NOT NULL,
    ends_on                date,
    estimated_cost_rappen  bigint      NOT NULL,
    status                 text        NOT NULL DEFAULT 'planned',
    status_on              date,
    started_on             date,
    completed_on           date
);
CREATE INDEX measures_case ON measures (case_id);

-- Cost approvals as costs published them; the budget figures are sums over these.
CREATE TABLE approvals (
    approval_id       uuid        PRIMARY KEY,
    case_id           uuid        NOT NULL,
    measure_id        uuid        NOT NULL,
    requested_rappen  bigint,
    requested_by_org  text,
    decision          text,
    granted_rappen    bigint      NOT NULL DEFAULT 0,
    funding_source    text,
    decided_on        date,
    charged_rappen    bigint      NOT NULL DEFAULT 0
);
CREATE INDEX approvals_case ON approvals (case_id);
CREATE INDEX approvals_measure ON approvals (measure_id);

CREATE TABLE budgets (
    case_id          uuid        PRIMARY KEY,
    lump_sum_rappen  bigint      NOT NULL,
    opened_on        date        NOT NULL,
    threshold_reached_percent integer
);

CREATE TABLE final_reports (
    report_id   uuid        PRIMARY KEY,
    case_id     uuid        NOT NULL,
    plan_id     uuid        NOT NULL,
    issued_on   date        NOT NULL,
    from_org    text        NOT NULL,
    to_org      text        NOT NULL
);
CREATE INDEX final_reports_case ON final_reports (case_id);

CREATE TABLE deviations (
    event_id    uuid        PRIMARY KEY,
    case_id     uuid        NOT NULL,
    kind        text        NOT NULL,
    measure_id  uuid,
    flagged_on  date        NOT NULL
);
CREATE INDEX deviations_case ON deviations (case_id);

-- Work for an organisation. subject_ref ties an automatic task to what caused it (approval,
-- measure, plan) so that a redelivered or repeated cause never opens a second open task.
CREATE TABLE tasks (
    task_id           uuid        PRIMARY KEY,
    case_id           uuid        NOT NULL,
    kind              text        NOT NULL,
    assignee_org      text        NOT NULL,
    subject_ref       text        NOT NULL,
    status            text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    due_on            date,
    opened_at         timestamptz NOT NULL DEFAULT now(),
    completed_at      timestamptz,
    outcome           text,
    notes             text,
    completed_by_org  text,
    completed_by_sub  text
);
CREATE UNIQUE INDEX tasks_one_open_per_cause ON tasks (case_id, kind, subject_ref) WHERE status = 'open';
CREATE INDEX tasks_assignee ON tasks (assignee_org, status, task_id);
CREATE INDEX tasks_case ON tasks (case_id, status);

CREATE TABLE consents (
    consent_id        uuid        PRIMARY KEY,
    case_id           uuid        NOT NULL,
    partner           text        NOT NULL,
    given_on          date        NOT NULL,
    expires_on        date,
    document_ref      text        NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now(),
    recorded_by_org   text        NOT NULL,
    recorded_by_sub   text        NOT NULL,
    withdrawn_at      timestamptz,
    withdrawn_by_org  text,
    withdrawn_by_sub  text
);
CREATE INDEX consents_case ON consents (case_id, partner);

-- One referral per measure: waiting for consent until one is recorded, then sent; the
-- partner's answers move it on.
CREATE TABLE referrals (
    referral_id            uuid        PRIMARY KEY,
    case_id                uuid        NOT NULL,
    measure_id             uuid        NOT NULL UNIQUE,
    partner                text        NOT NULL,
    catalog_code           text        NOT NULL,
    status                 text        NOT NULL CHECK (status IN ('awaiting_consent', 'sent', 'accepted', 'enrolled', 'ended')),
    consent_id             uuid,
    legal_basis_override   boolean     NOT NULL DEFAULT false,
    override_reason        text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    sent_at                timestamptz,
    sent_by_org            text,
    accepted_on            date,
    enrolled_on            date,
    starts_on              date,
    ended_on               date,
    outcome                text
);
CREATE INDEX referrals_case ON referrals (case_id);

-- The audit trail of every service (audit.PersonalDataAccessed on ias.audit.v1): who
-- touched which personal data when, with identifiers only.
CREATE TABLE audit_log (
    audit_id      uuid        PRIMARY KEY,
    service       text        NOT NULL,
    subject       text        NOT NULL,
    org           text        NOT NULL,
    roles         jsonb       NOT NULL,
    action        text        NOT NULL,
    method        text        NOT NULL,
    route         text        NOT NULL,
    case_id       uuid,
    person_id     uuid,
    status        integer     NOT NULL,
    request_id    text        NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, at);
CREATE INDEX audit_log_subject ON audit_log (subject, at);
CREATE INDEX audit_log_at ON audit_log (at, audit_id);
