-- The keys that seal the personal data of intake's events (PersonalDataSeal), one per case,
-- wrapped under a master key of IAS_CASE_KEY_MASTER_KEYS: intake writes them at registration,
-- the other services from the topic ias.intake.case-keys.v1. Destroyed by intake's erasure
-- (CaseKeyDestroyed), the row keeps only the case id and when: an event of the case is then
-- skipped instead of waiting for a key that never comes. This service's own erasure of the case
-- deletes the row (erased_cases skips the case from then on).
-- (Not case_keys: coordination's document keys have that name.)
CREATE TABLE case_event_keys (
    case_id        uuid        PRIMARY KEY,
    key_id         uuid,
    master_key_id  text,
    wrapped_key    bytea,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    destroyed_at   timestamptz,
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL)),
    CHECK ((wrapped_key IS NULL) = (key_id IS NULL) AND (wrapped_key IS NULL) = (master_key_id IS NULL))
);
