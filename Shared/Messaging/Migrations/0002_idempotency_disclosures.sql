-- What a stored answer disclosed (the cases and persons it named), so that a replay of the
-- answer is audited with the same records as the first one.
ALTER TABLE idempotency_keys ADD COLUMN disclosed jsonb NOT NULL DEFAULT '[]';
