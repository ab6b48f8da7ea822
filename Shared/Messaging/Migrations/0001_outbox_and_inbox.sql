-- Transactional outbox: an event row is written in the same transaction as the state change
-- that caused it; the relay publishes unpublished rows in id order and marks them after the
-- broker's delivery report. Selecting by "published_at IS NULL" (not "id > last seen") is
-- what keeps a row that commits after a higher id from being skipped.
CREATE TABLE outbox (
    id            bigserial   PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    topic         text        NOT NULL,
    partition_key text        NOT NULL,
    event_type    text        NOT NULL,
    payload       text        NOT NULL,   -- the exact bytes that go on the wire
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- Inbox: one row per (consumer, event) applied. Inserted first in the handler's
-- transaction: a conflict means the effect is already there.
CREATE TABLE inbox (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    topic       text        NOT NULL,
    event_type  text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- Idempotency keys of HTTP POSTs: the first response is stored and returned again.
CREATE TABLE idempotency_keys (
    scope        text        NOT NULL,   -- method, route and caller
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       integer     NOT NULL,
    body         text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
