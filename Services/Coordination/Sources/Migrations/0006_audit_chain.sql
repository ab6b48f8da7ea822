-- The audit trail becomes a hash chain (Store/AuditChain.swift): each record's place in the
-- order of appending, the hash of the record before and its own. Records kept before are
-- chained once, by the service after this migration (the hash is computed in one place, in Swift).
ALTER TABLE audit.audit_log
    ADD COLUMN seq       bigint,
    ADD COLUMN prev_hash text,
    ADD COLUMN hash      text,
    ADD CONSTRAINT audit_log_chained CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL));
CREATE UNIQUE INDEX audit_log_seq ON audit.audit_log (seq);

-- A daily anchor: the head of the chain when the day's anchoring job ran. The same facts go
-- out as an event and into the log, so that a copy lives outside this database.
CREATE TABLE audit.anchors (
    day        date        PRIMARY KEY,
    up_to_seq  bigint      NOT NULL,
    head_hash  text        NOT NULL,
    -- records appended since the anchor before
    records    bigint      NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
);

-- Where the kept part of the chain begins after a purge: the last deleted record's place and hash.
CREATE TABLE audit.retention_anchors (
    up_to_seq bigint      PRIMARY KEY,
    hash      text        NOT NULL,
    deleted   bigint      NOT NULL,
    cutoff    timestamptz NOT NULL,
    purged_at timestamptz NOT NULL DEFAULT now()
);

-- The only way records leave the trail: the oldest part of the chain whose records are all
-- older than the retention (never less than a year), with a retention anchor in the same
-- transaction. SECURITY DEFINER: it runs with the owner's rights, so that the runtime role
-- needs EXECUTE, not DELETE. It takes the chain's advisory lock (AuditChain.lockKey).
CREATE FUNCTION audit.purge_chain(retention_days integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cutoff    timestamptz := now() - make_interval(days => greatest(retention_days, 365));
    first_kept bigint;
    last_seq  bigint;
    last_hash text;
    n         bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(1810879315018);
    SELECT min(seq) INTO first_kept FROM audit.audit_log WHERE seq IS NOT NULL AND at >= cutoff;
    IF first_kept IS NULL THEN
        SELECT max(seq) INTO last_seq FROM audit.audit_log;
    ELSE
        last_seq := first_kept - 1;
    END IF;
    SELECT hash INTO last_hash FROM audit.audit_log WHERE seq = last_seq;
    IF last_hash IS NULL THEN
        RETURN 0;
    END IF;
    DELETE FROM audit.audit_log WHERE seq <= last_seq;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO audit.retention_anchors (up_to_seq, hash, deleted, cutoff) VALUES (last_seq, last_hash, n, cutoff);
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION audit.purge_chain(integer) FROM PUBLIC;
