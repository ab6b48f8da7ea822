-- The dossier projection: built only from events of all services, never from their tables.
CREATE TABLE cases (
    case_id            uuid        PRIMARY KEY,
    person_id          uuid        NOT NULL,
    zemis_number       text,
    given_name         text        NOT NULL,
    family_name        text        NOT NULL,
    date_of_birth      date        NOT NULL,
    sex                text        NOT NULL,
    nationality        text        NOT NULL,
    languages          jsonb       NOT NULL,
    status             text        NOT NULL,
    entered_canton_on  date        NOT NULL,
    status_decided_on  date,
    household_id       uuid,
    accommodation      text        NOT NULL,
    responsible_org    text        NOT NULL,
    registered_at      timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_responsible_org ON cases (responsible_org);

-- Who was responsible when: the first entry comes from the registration.
CREATE TABLE responsibility_history (
    case_id        uuid        NOT NULL,
    event_id       uuid        NOT NULL,
    org            text        NOT NULL,
    since          date        NOT NULL,
    reason         text        NOT NULL,
    PRIMARY KEY (case_id, event_id)
);

-- Every event of every service about a case, in the order of its time. The data is kept as
-- published so that the timeline can show what happened without asking the owners.
CREATE TABLE timeline (
    event_id     uuid        PRIMARY KEY,
    case_id      text        NOT NULL,
    event_type   text        NOT NULL,
    source       text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    actor_org    text        NOT NULL,
    data         jsonb       NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timeline_case ON timeline (case_id, occurred_at, event_id);
