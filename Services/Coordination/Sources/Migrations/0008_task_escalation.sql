-- Escalation of overdue tasks to the canton (additive: the task's shape only grows).
ALTER TABLE tasks ADD COLUMN escalated_at timestamptz;
ALTER TABLE tasks ADD COLUMN escalated_to text;
-- The escalation job looks for open, overdue, not yet escalated tasks.
CREATE INDEX tasks_open_due ON tasks (due_on) WHERE status = 'open' AND escalated_at IS NULL;
