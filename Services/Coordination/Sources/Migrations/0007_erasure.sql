-- What stays of the cases erased at the end of their retention, for the IAS indicators reported
-- to the federal statistics: anonymous counts, without case id, person or birth date.
-- (Version 0006 is the audit trail's.)

-- Per entry cohort and indicator: erased persons counted and those who reached the indicator.
-- matures_on is the horizon of those whose horizon still lay ahead at the erasure (only with a
-- case-data retention shorter than the indicators' horizons); null when it had passed.
CREATE TABLE indicator_contributions (
    entry_year    integer NOT NULL,
    indicator_id  integer NOT NULL,
    matures_on    date,
    counted       integer NOT NULL CHECK (counted >= 0),
    reached       integer NOT NULL CHECK (reached >= 0 AND reached <= counted)
);
CREATE INDEX indicator_contributions_year ON indicator_contributions (entry_year, indicator_id);

-- Erased persons per entry cohort: the cohort's size stays as reported.
CREATE TABLE erased_cohort_members (
    entry_year  integer PRIMARY KEY,
    members     integer NOT NULL CHECK (members >= 0)
);
