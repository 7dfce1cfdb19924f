-- Identity: index rows the user, session and API key grains write in the same transaction as their
-- state (see docs/identity.md), and the audit log. Grain state itself lives in grain_state.

-- One row per user. The unique email constraint IS the email-uniqueness index: a registration whose
-- email is taken fails as a whole (grain state included) and the API answers 409.
CREATE TABLE IF NOT EXISTS users (
    id          text        PRIMARY KEY,
    username    text        NOT NULL,
    email       text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('admin', 'user', 'viewer')),
    created_at  timestamptz NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE INDEX IF NOT EXISTS users_created_at ON users (created_at, id);

-- At most one row, ever. A registration inserts it in its own transaction to become the first admin;
-- the primary key lets exactly one concurrent registration win, the others register as users.
CREATE TABLE IF NOT EXISTS first_admin (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    user_id     text        NOT NULL,
    claimed_at  timestamptz NOT NULL
);

-- API keys by owner (listing) and by secret hash (lookup); revoked keys keep their row.
CREATE TABLE IF NOT EXISTS api_keys (
    id          text        PRIMARY KEY,
    owner_id    text        NOT NULL,
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('admin', 'user', 'viewer')),
    key_hash    text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
CREATE INDEX IF NOT EXISTS api_keys_active_by_owner ON api_keys (owner_id, created_at, id) WHERE revoked_at IS NULL;

-- Who did what, when, from where. Written with the change it records (same transaction), or on its
-- own for events that change no state (failed logins).
CREATE TABLE IF NOT EXISTS audit_logs (
    id       text        PRIMARY KEY,
    at       timestamptz NOT NULL,
    user_id  text,
    action   text        NOT NULL,
    target   text,
    ip       text,
    details  jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS audit_logs_at ON audit_logs (at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_logs_user_at ON audit_logs (user_id, at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_logs_action_at ON audit_logs (action, at DESC, id DESC);
