-- Which streams some silo watches (docs/outbox.md, "Live delivery"): a silo with subscribers to a stream sets
-- watched_until to a lease in the future and renews it while they stay. The event append returns whether each
-- stream it bumps is watched, so a write publishes on Orleans streams only the events somebody waits for; the
-- others (most of them: new orders and tasks nobody has opened) cost no Orleans stream registration at all.
-- Catalog-only: a nullable column without a default.
ALTER TABLE streams ADD COLUMN IF NOT EXISTS watched_until timestamptz;
