-- The integration lump sum (IP) of a VA/FL case and what is committed to and spent from it.
-- Decisions lock this row (FOR UPDATE), so that concurrent grants can never overdraw it.
CREATE TABLE budgets (
    case_id                  uuid        PRIMARY KEY,
    lump_sum_rappen          bigint      NOT NULL CHECK (lump_sum_rappen >= 0),
    committed_rappen         bigint      NOT NULL DEFAULT 0 CHECK (committed_rappen >= 0),
    spent_rappen             bigint      NOT NULL DEFAULT 0 CHECK (spent_rappen >= 0),
    opened_on                date        NOT NULL,
    threshold_reached_at     timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    CHECK (committed_rappen <= lump_sum_rappen),
    CHECK (spent_rappen <= committed_rappen)
);

-- The measures of the plans, as learnt from plan.MeasurePlanned.
CREATE TABLE measures (
    measure_id             uuid        PRIMARY KEY,
    case_id                uuid        NOT NULL,
    plan_id                uuid        NOT NULL,
    catalog_code           text        NOT NULL,
    funding_source         text        NOT NULL,
    partner                text,
    estimated_cost_rappen  bigint      NOT NULL,
    status                 text        NOT NULL DEFAULT 'planned'
);
CREATE INDEX measures_case ON measures (case_id);

CREATE TABLE approvals (
    approval_id        uuid        PRIMARY KEY,
    case_id            uuid        NOT NULL,
    measure_id         uuid        NOT NULL REFERENCES measures,
    requested_rappen   bigint      NOT NULL CHECK (requested_rappen > 0),
    justification      text        NOT NULL,
    requested_by_org   text        NOT NULL,
    requested_by_sub   text        NOT NULL,
    requested_at       timestamptz NOT NULL DEFAULT now(),
    status             text        NOT NULL CHECK (status IN ('requested', 'granted', 'partially_granted', 'rejected')),
    granted_rappen     bigint      NOT NULL DEFAULT 0 CHECK (granted_rappen >= 0),
    charged_rappen     bigint      NOT NULL DEFAULT 0 CHECK (charged_rappen >= 0),
    funding_source     text,
    decision_reason    text,
    decided_by_org     text,
    decided_by_sub     text,
    decided_on         date,
    version            integer     NOT NULL DEFAULT 1,
    CHECK (charged_rappen <= granted_rappen),
    CHECK (granted_rappen <= requested_rappen)
);
CREATE INDEX approvals_case ON approvals (case_id, approval_id);
CREATE INDEX approvals_status ON approvals (status, approval_id);
-- At most one request per measure that is pending or granted; after a rejection a new one may follow.
CREATE UNIQUE INDEX approvals_one_open_per_measure ON approvals (measure_id) WHERE status <> 'rejected';

CREATE TABLE charges (
    charge_id      uuid        PRIMARY KEY,
    approval_id    uuid        NOT NULL REFERENCES approvals,
    amount_rappen  bigint      NOT NULL CHECK (amount_rappen > 0),
    invoice_ref    text        NOT NULL,
    booked_on      date        NOT NULL,
    booked_by_org  text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (approval_id, invoice_ref)
);
