-- Cheaper writes (docs/performance.md, "REST ceiling"). Every grain write rewrites its grain_state row and
-- bumps its streams counters: leaving room on each page lets PostgreSQL put the new row version beside the
-- old one without a new index entry (a HOT update). stream_events' age index is read only by retention;
-- rows arrive roughly in created_at order, so a BRIN index (a few pages, nothing to insert per row in a
-- b-tree) serves the same "older than" delete.
ALTER TABLE grain_state SET (fillfactor = 70);
ALTER TABLE streams SET (fillfactor = 50);
DROP INDEX IF EXISTS stream_events_created_at;
CREATE INDEX IF NOT EXISTS stream_events_created_at_brin ON stream_events USING brin (created_at);
