-- pgbench script: the writes one applied event costs a service (the inbox row that makes it
-- idempotent, one projection row with the event's data, one outbox row for the event it
-- publishes in turn). deploy/local/bench.sh wraps it in a transaction alone and 100 to a
-- transaction (as a batching consumer applies them) to measure PostgreSQL's ceiling. No colons
-- in literals: pgbench reads ":name" as a variable.
\set n random(1, 1000000000)
INSERT INTO inbox (consumer, event_id, topic, event_type) VALUES ('dossier', gen_random_uuid(), 'ias.intake.v1', 'intake.PersonRegistered') ON CONFLICT DO NOTHING;
INSERT INTO timeline (event_id, case_id, event_type, source, occurred_at, actor_org, data) VALUES (gen_random_uuid(), :n, 'intake.PersonRegistered', 'intake', now(), 'canton-KSD', '{"caseId": "7a3f0c52-1d2e-4a57-9a0e-3f1b2c4d5e6f", "personId": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "status": "N", "enteredCantonOn": "2026-11-20", "responsibleOrg": "canton-KSD", "accommodation": "cantonal", "languages": ["ti"], "nationality": "ER", "sex": "female"}'::jsonb);
INSERT INTO outbox (event_id, topic, partition_key, event_type, payload) VALUES (gen_random_uuid(), 'ias.coordination.v1', :n, 'coordination.TaskOpened', repeat('x', 700));
