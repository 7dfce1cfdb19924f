-- The per-user task quota grain reads its user's queued and running tasks when it activates
-- (docs/tasks.md, "The queue and admission"); this keeps that read to the few active rows.
CREATE INDEX IF NOT EXISTS tasks_active_by_creator ON tasks (created_by) WHERE status IN ('queued', 'running');
