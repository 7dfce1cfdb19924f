-- Runtime tables: grain state, durable streams (outbox), reminders. See docs/runtime.md.

CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    state       jsonb       NOT NULL,
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key, state_name)
);

-- One counter row per stream: taking the next seq locks it, so seqs are gap-free and commit-ordered.
CREATE TABLE IF NOT EXISTS streams (
    id        text   PRIMARY KEY,
    last_seq  bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS stream_events (
    stream_id   text        NOT NULL,
    seq         bigint      NOT NULL,
    type        text        NOT NULL,
    data        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (stream_id, seq)
);
CREATE INDEX IF NOT EXISTS stream_events_created_at ON stream_events (created_at);

CREATE TABLE IF NOT EXISTS reminders (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    name        text        NOT NULL,
    first_due   timestamptz NOT NULL,
    due_at      timestamptz NOT NULL,
    period_ms   bigint      NOT NULL CHECK (period_ms > 0),
    PRIMARY KEY (grain_type, grain_key, name)
);
CREATE INDEX IF NOT EXISTS reminders_due_at ON reminders (due_at);

-- Writes a grain state guarded by its version and appends its events, in the caller's transaction.
-- p_version NULL means "no record yet": the insert fails if one exists. A mismatch raises OHETG.
-- Stream counters are taken in sorted stream order so two writers never deadlock.
-- p_created_at is the writer's clock, so events delivered from memory equal the stored ones.
CREATE OR REPLACE FUNCTION hub_write_state(
    p_type text, p_key text, p_name text, p_state jsonb, p_version bigint,
    p_streams text[], p_types text[], p_data jsonb[], p_created_at timestamptz,
    OUT new_version bigint, OUT event_seqs bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    s text;
    n int;
    next_seq bigint;
    total int := coalesce(cardinality(p_streams), 0);
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO grain_state (grain_type, grain_key, state_name, state, version)
        VALUES (p_type, p_key, p_name, p_state, 1)
        ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'state % of %/% already exists', p_name, p_type, p_key USING ERRCODE = 'OHETG';
        END IF;
        new_version := 1;
    ELSE
        UPDATE grain_state SET state = p_state, version = version + 1, updated_at = now()
        WHERE grain_type = p_type AND grain_key = p_key AND state_name = p_name AND version = p_version
        RETURNING version INTO new_version;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'state % of %/% is not at version %', p_name, p_type, p_key, p_version USING ERRCODE = 'OHETG';
        END IF;
    END IF;

    event_seqs := '{}';
    IF total = 0 THEN
        RETURN;
    END IF;
    event_seqs := array_fill(0::bigint, ARRAY[total]);
    FOR s, n IN
        SELECT e.stream, count(*) FROM unnest(p_streams) AS e(stream) GROUP BY e.stream ORDER BY e.stream
    LOOP
        INSERT INTO streams AS st (id, last_seq) VALUES (s, n)
        ON CONFLICT (id) DO UPDATE SET last_seq = st.last_seq + n
        RETURNING st.last_seq - n INTO next_seq;
        FOR i IN 1 .. total LOOP
            IF p_streams[i] = s THEN
                next_seq := next_seq + 1;
                INSERT INTO stream_events (stream_id, seq, type, data, created_at)
                VALUES (s, next_seq, p_types[i], p_data[i], p_created_at);
                event_seqs[i] := next_seq;
            END IF;
        END LOOP;
    END LOOP;
END;
$$;
