-- An index table for the outbox tests: one name per grain, names unique.
CREATE TABLE IF NOT EXISTS test_names (
    grain_key text PRIMARY KEY,
    name      text NOT NULL UNIQUE
);
