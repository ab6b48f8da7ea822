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
