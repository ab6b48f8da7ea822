-- The work queue lists open tasks by due date (overdue first, undated last), then the oldest
-- opened: GET /tasks?status=open&order=due (TaskStore.listQuery writes the status into its
-- SQL so that this partial index applies). The canton's queue holds tens of thousands of open
-- tasks: a page of them read from this index took 4 ms where sorting them all took 48 ms.
CREATE INDEX tasks_open_queue ON tasks ((COALESCE(due_on, 'infinity'::date)), opened_at, task_id) WHERE status = 'open';
