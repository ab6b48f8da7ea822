-- What a service knows about each case from intake's events: enough to check who is
-- responsible (access moves with a handover) and the few facts its rules need.
CREATE TABLE case_registry (
    case_id            uuid        PRIMARY KEY,
    person_id          uuid        NOT NULL,
    date_of_birth      date        NOT NULL,
    status             text        NOT NULL,
    entered_canton_on  date        NOT NULL,
    responsible_org    text        NOT NULL,
    closed_on          date,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_registry_responsible_org ON case_registry (responsible_org);
