-- One integration plan per case, drafted from the pathway of the assigned target group.
CREATE TABLE plans (
    plan_id              uuid        PRIMARY KEY,
    case_id              uuid        NOT NULL UNIQUE,
    status               text        NOT NULL CHECK (status IN ('draft', 'active', 'closed')),
    target_group         text        NOT NULL,
    pathway              text        NOT NULL,
    catalog_version      text        NOT NULL,
    -- pathway steps held back while the person is an asylum seeker (N), planned on regularisation
    deferred_steps       jsonb       NOT NULL DEFAULT '[]',
    signed_on            date,
    goals                jsonb       NOT NULL DEFAULT '[]',
    review_every_months  integer,
    next_review_due      date,
    -- the due date an overdue review was last flagged for: one deviation per due date
    overdue_flagged_for  date,
    version              integer     NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_review_due ON plans (next_review_due) WHERE status = 'active';

CREATE TABLE measures (
    measure_id             uuid        PRIMARY KEY,
    plan_id                uuid        NOT NULL REFERENCES plans,
    case_id                uuid        NOT NULL,
    catalog_code           text        NOT NULL,
    field_of_action        text        NOT NULL,
    funding_source         text        NOT NULL,
    partner                text,
    provider               text,
    starts_on              date        NOT NULL,
    ends_on                date,
    estimated_cost_rappen  bigint      NOT NULL CHECK (estimated_cost_rappen >= 0),
    status                 text        NOT NULL CHECK (status IN ('planned', 'approved', 'enrolled', 'started', 'completed', 'interrupted', 'dropped')),
    origin                 text        NOT NULL CHECK (origin IN ('pathway', 'manual')),
    granted_rappen         bigint,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX measures_plan ON measures (plan_id, created_at);

-- Every move of a measure, so that the plan's history survives re-drafts and handovers.
CREATE TABLE measure_history (
    id          bigserial   PRIMARY KEY,
    measure_id  uuid        NOT NULL REFERENCES measures,
    from_status text,
    to_status   text        NOT NULL,
    on_date     date        NOT NULL,
    reason      text,
    actor_org   text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX measure_history_measure ON measure_history (measure_id, id);

CREATE TABLE reviews (
    review_id        uuid        PRIMARY KEY,
    plan_id          uuid        NOT NULL REFERENCES plans,
    held_on          date        NOT NULL,
    outcome          text        NOT NULL,
    notes            text        NOT NULL,
    next_review_due  date,
    actor_org        text        NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_plan ON reviews (plan_id, held_on);

CREATE TABLE deviations (
    deviation_id  uuid        PRIMARY KEY,
    plan_id       uuid        NOT NULL REFERENCES plans,
    kind          text        NOT NULL,
    measure_id    uuid,
    on_date       date        NOT NULL,
    reason        text,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deviations_plan ON deviations (plan_id, recorded_at);

-- The final report (Schlussbericht) at a handover: a frozen snapshot of the plan.
CREATE TABLE final_reports (
    report_id   uuid        PRIMARY KEY,
    plan_id     uuid        NOT NULL REFERENCES plans,
    case_id     uuid        NOT NULL,
    issued_on   date        NOT NULL,
    from_org    text        NOT NULL,
    to_org      text        NOT NULL,
    -- the transfer that caused it: a redelivered or repeated transfer issues no second report
    cause_event uuid        NOT NULL UNIQUE,
    snapshot    jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX final_reports_case ON final_reports (case_id, report_id);
