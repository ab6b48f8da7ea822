-- Lists, searches and conflicts name every case and person they disclosed (and the filter they
-- were given), so that "who saw this case" also finds the searches that returned it.
ALTER TABLE audit.audit_log
    ADD COLUMN disclosed_case_ids   uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN disclosed_person_ids uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN query                jsonb;
CREATE INDEX audit_log_disclosed_cases ON audit.audit_log USING gin (disclosed_case_ids);
CREATE INDEX audit_log_disclosed_persons ON audit.audit_log USING gin (disclosed_person_ids);
CREATE INDEX audit_log_person ON audit.audit_log (person_id, at);
