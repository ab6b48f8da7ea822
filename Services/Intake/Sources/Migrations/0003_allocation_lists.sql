-- Federal allocation lists (Zuweisungslisten) imported in bulk: which list brought whom, and
-- what became of its rows. The per-row answer itself is kept with the Idempotency-Key when
-- the sender gave one.
CREATE TABLE allocation_lists (
    list_id             uuid        PRIMARY KEY,
    list_ref            text        NOT NULL,
    allocated_on        date        NOT NULL,
    received            integer     NOT NULL,
    registered          integer     NOT NULL,
    duplicates          integer     NOT NULL,
    possible_duplicates integer     NOT NULL,
    rejected            integer     NOT NULL,
    actor_sub           text        NOT NULL,
    actor_org           text        NOT NULL,
    imported_at         timestamptz NOT NULL DEFAULT now()
);
-- A list reference may arrive in several parts (at most 1000 rows per request).
CREATE INDEX allocation_lists_ref ON allocation_lists (list_ref);

ALTER TABLE persons ADD COLUMN allocation_list_id uuid REFERENCES allocation_lists (list_id);
