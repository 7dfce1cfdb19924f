-- Workspace list rows, written by the workspace grain in the same transaction as its state.

CREATE TABLE IF NOT EXISTS workspaces (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    owner_id    text        NOT NULL,
    status      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS workspaces_name_lower ON workspaces (lower(name));

-- Everyone who may see a workspace, the owner included (role 'owner').
CREATE TABLE IF NOT EXISTS workspace_members (
    workspace_id  text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id       text NOT NULL,
    role          text NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX IF NOT EXISTS workspace_members_user ON workspace_members (user_id);
