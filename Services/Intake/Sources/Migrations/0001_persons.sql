-- One row per registered person; each person has exactly one case for the whole life of the
-- integration process (at most 7 years after entry).
CREATE TABLE persons (
    person_id          uuid        PRIMARY KEY,
    case_id            uuid        NOT NULL UNIQUE,
    zemis_number       text        UNIQUE,
    given_name         text        NOT NULL,
    family_name        text        NOT NULL,
    date_of_birth      date        NOT NULL,
    sex                text        NOT NULL,
    nationality        text        NOT NULL,
    languages          jsonb       NOT NULL,
    status             text        NOT NULL CHECK (status IN ('N', 'VA', 'FL')),
    entered_canton_on  date        NOT NULL,
    status_decided_on  date,
    household_id       uuid,
    accommodation      text        NOT NULL CHECK (accommodation IN ('cantonal', 'municipal')),
    responsible_org    text        NOT NULL,
    version            integer     NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX persons_family_name ON persons (lower(family_name));
CREATE INDEX persons_responsible_org ON persons (responsible_org);
CREATE INDEX persons_date_of_birth ON persons (date_of_birth);
CREATE INDEX persons_household ON persons (household_id) WHERE household_id IS NOT NULL;
