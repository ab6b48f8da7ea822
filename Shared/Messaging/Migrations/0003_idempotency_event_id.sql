-- The event a stored answer named (its IAS-Event-Id header), so that a replay of the answer
-- names it again. Null for answers stored before, and for writes that emitted no event.
ALTER TABLE idempotency_keys ADD COLUMN event_id uuid;
