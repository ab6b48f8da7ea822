-- The tables the PostgreSQL ceiling writes to: the same shape and indexes as the services'
-- inbox, outbox and coordination's timeline (Shared/Messaging/Migrations, Services/Coordination).
CREATE TABLE outbox (
    id bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, topic text NOT NULL, partition_key text NOT NULL,
    event_type text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz, attempts integer NOT NULL DEFAULT 0, last_error text);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE TABLE inbox (
    consumer text NOT NULL, event_id uuid NOT NULL, topic text NOT NULL, event_type text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id));
CREATE TABLE timeline (
    event_id uuid PRIMARY KEY, case_id text NOT NULL, event_type text NOT NULL, source text NOT NULL,
    occurred_at timestamptz NOT NULL, actor_org text NOT NULL, data jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX timeline_case ON timeline (case_id, occurred_at, event_id);

-- The table the document ceiling writes to: coordination's document_chunks
-- (Services/Coordination/Sources/Migrations/0005_documents.sql) with its columns, key and storage:
-- the sealed bytes out of line and never compressed. Left out: its deferred foreign key to
-- document_versions (one index probe per chunk at commit).
CREATE TABLE document_chunks (
    document_id uuid NOT NULL, version integer NOT NULL, seq integer NOT NULL CHECK (seq >= 0), sealed bytea NOT NULL,
    PRIMARY KEY (document_id, version, seq));
ALTER TABLE document_chunks ALTER COLUMN sealed SET STORAGE EXTERNAL;
-- What the ceiling inserts: 16 values of 512 KiB made here once, from md5 digests of random
-- numbers (pseudo-random bytes: incompressible, as ciphertext is), so that the measured statement
-- copies a stored chunk, as an upload stores what it sealed, instead of spending its time making
-- random bytes. 8 MiB in all: they stay in shared buffers, so reading them costs no I/O.
CREATE TABLE chunk_samples (id integer PRIMARY KEY, sealed bytea NOT NULL);
ALTER TABLE chunk_samples ALTER COLUMN sealed SET STORAGE EXTERNAL;
INSERT INTO chunk_samples (id, sealed)
SELECT i, (SELECT decode(string_agg(md5(random()::text || i || '.' || g), ''), 'hex') FROM generate_series(1, 32768) AS g)
FROM generate_series(1, 16) AS i;
