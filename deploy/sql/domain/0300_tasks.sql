-- Task list rows, written by the task grain in the same transaction as its state.
-- Log lines are events of the stream task:{id} (type task.log), not rows here.

CREATE TABLE IF NOT EXISTS tasks (
    id            text        PRIMARY KEY,
    workspace_id  text        NOT NULL,
    created_by    text        NOT NULL,
    status        text        NOT NULL,
    priority      text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_workspace_created ON tasks (workspace_id, created_at DESC);
CREATE INDEX IF NOT EXISTS tasks_workspace_status ON tasks (workspace_id, status);
