-- The cases this service erased at the end of their retention: a late or replayed event of
-- such a case is skipped (ServiceHost.subscribe), so that nothing of it is created again.
-- Only the case id stays, which names nobody without the erased records.
CREATE TABLE erased_cases (
    case_id    uuid        PRIMARY KEY,
    erased_at  timestamptz NOT NULL DEFAULT now()
);
