-- The daily digest mail per organisation: one row per organisation and day, claimed before
-- the mail leaves, so that several instances and restarts send it at most once (README,
-- "Daily digest"). Counts only: no case, no person.
CREATE TABLE mail_digests (
    org          text        NOT NULL,
    day          date        NOT NULL,
    -- pending → sending → sent; failed (tried again at the next run), rejected (the server
    -- refused for good), unknown (an instance stopped while sending: not sent again).
    status       text        NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'rejected', 'unknown')),
    attempts     integer     NOT NULL DEFAULT 0,
    claimed_at   timestamptz,
    sent_at      timestamptz,
    last_error   text,
    PRIMARY KEY (org, day)
);
