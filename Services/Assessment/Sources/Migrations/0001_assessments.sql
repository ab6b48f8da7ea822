-- Status meetings (Standortgespräche): participants and notes stay in this service; the
-- event only says that a meeting took place and how many took part.
CREATE TABLE status_meetings (
    meeting_id        uuid        PRIMARY KEY,
    case_id           uuid        NOT NULL,
    held_on           date        NOT NULL,
    participants      jsonb       NOT NULL,
    notes             text        NOT NULL,
    recorded_by_sub   text        NOT NULL,
    recorded_by_org   text        NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_meetings_case ON status_meetings (case_id, recorded_at, meeting_id);

-- Short assessments and potential assessments, with the triage result they led to.
CREATE TABLE assessments (
    assessment_id            uuid        PRIMARY KEY,
    case_id                  uuid        NOT NULL,
    kind                     text        NOT NULL CHECK (kind IN ('short', 'potential')),
    held_on                  date        NOT NULL,
    language_levels          jsonb       NOT NULL,
    literate                 boolean     NOT NULL,
    school_years             integer     NOT NULL CHECK (school_years >= 0),
    vocational_years         integer     NOT NULL CHECK (vocational_years >= 0),
    health_restriction       text        NOT NULL CHECK (health_restriction IN ('none', 'partial', 'severe')),
    childcare_duties         boolean     NOT NULL,
    goals                    jsonb       NOT NULL,
    age_at_assessment        integer     NOT NULL,
    target_group             text        NOT NULL,
    pathway                  text        NOT NULL,
    rule_set_version         text        NOT NULL,
    rule_id                  text        NOT NULL,
    potential_assessment_due boolean     NOT NULL,
    recorded_by_sub          text        NOT NULL,
    recorded_by_org          text        NOT NULL,
    recorded_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessments_case ON assessments (case_id, recorded_at, assessment_id);

-- Every target group a case was given, by a rule or by a manual override; the newest counts.
CREATE TABLE target_group_assignments (
    assignment_id            uuid        PRIMARY KEY,
    case_id                  uuid        NOT NULL,
    target_group             text        NOT NULL,
    pathway                  text        NOT NULL,
    decided_on               date        NOT NULL,
    age_at_decision          integer     NOT NULL,
    assessment_id            uuid        REFERENCES assessments (assessment_id),
    rule_set_version         text,
    rule_id                  text,
    override_reason          text,
    potential_assessment_due boolean     NOT NULL,
    decided_by_sub           text        NOT NULL,
    decided_by_org           text        NOT NULL,
    decided_at               timestamptz NOT NULL DEFAULT now(),
    CHECK ((rule_id IS NULL) <> (override_reason IS NULL))
);
CREATE INDEX target_group_assignments_case ON target_group_assignments (case_id, decided_at DESC);
