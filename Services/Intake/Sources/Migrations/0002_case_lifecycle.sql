-- The life of a case after registration: a recorded duplicate override, the closure, and the
-- history of who was responsible when (a handover must never get lost).
ALTER TABLE persons ADD COLUMN duplicate_override_reason text;
ALTER TABLE persons ADD COLUMN closed_on date;
ALTER TABLE persons ADD COLUMN closure_reason text
    CHECK (closure_reason IN ('integrated', 'max_duration', 'left_canton', 'deceased', 'other'));
ALTER TABLE persons ADD COLUMN closure_outcome text
    CHECK (closure_outcome IN ('first_labour_market', 'vocational_education', 'other'));
ALTER TABLE persons ADD CONSTRAINT persons_closure_complete CHECK ((closed_on IS NULL) = (closure_reason IS NULL));

-- The automatic closure looks for open cases by entry date.
CREATE INDEX persons_open_by_entry ON persons (entered_canton_on) WHERE closed_on IS NULL;

CREATE TABLE responsibility_transfers (
    transfer_id   uuid        PRIMARY KEY,
    person_id     uuid        NOT NULL REFERENCES persons (person_id),
    case_id       uuid        NOT NULL,
    from_org      text        NOT NULL,
    to_org        text        NOT NULL,
    effective_on  date        NOT NULL,
    reason        text        NOT NULL CHECK (reason IN ('assignment', 'relocation', 'delegation')),
    actor_sub     text        NOT NULL,
    actor_org     text        NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX responsibility_transfers_person ON responsibility_transfers (person_id, recorded_at);
