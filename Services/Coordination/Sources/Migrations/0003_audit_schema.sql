-- The audit trail lives apart from the case data: its own schema, so that it can be granted,
-- backed up and retained on its own terms (a reading role for auditors, at least one year).
CREATE SCHEMA IF NOT EXISTS audit;
ALTER TABLE audit_log SET SCHEMA audit;
