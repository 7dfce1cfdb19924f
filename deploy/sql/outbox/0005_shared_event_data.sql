-- One copy of an event's data per write (docs/runtime.md, "Shared event data"). A grain that publishes the same
-- event to several streams (an order's status to order:{id} and store:{id}) used to store its JSON once per
-- stream: two thirds of the bytes a status change wrote, half of them repeats. Now the write's first event
-- with that data holds it (shared = true), and the others point at it by (source_stream, source_seq) with
-- data NULL. Every event of a write has the same created_at, so the age rule deletes a source together with
-- the events that point at it; the count rule leaves shared sources to the age rule.
-- All of this is catalog-only on PostgreSQL 11+: no table rewrite, no scan (the check is NOT VALID, so it
-- holds for rows written from now on, and every older row has its data).
ALTER TABLE stream_events ALTER COLUMN data DROP NOT NULL;
ALTER TABLE stream_events ADD COLUMN IF NOT EXISTS source_stream text;
ALTER TABLE stream_events ADD COLUMN IF NOT EXISTS source_seq bigint;
ALTER TABLE stream_events ADD COLUMN IF NOT EXISTS shared boolean NOT NULL DEFAULT false;
ALTER TABLE stream_events ADD CONSTRAINT stream_events_data_or_source
    CHECK ((data IS NULL) = (source_stream IS NOT NULL AND source_seq IS NOT NULL)) NOT VALID;
