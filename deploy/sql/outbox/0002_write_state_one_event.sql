-- hub_write_state with a fast path for the common case of exactly one event (no unnest, grouping,
-- sorting or array_fill): measured in docs/performance.md. Behaviour is unchanged.
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

    IF total = 0 THEN
        event_seqs := '{}';
        RETURN;
    END IF;

    IF total = 1 THEN
        INSERT INTO streams AS st (id, last_seq) VALUES (p_streams[1], 1)
        ON CONFLICT (id) DO UPDATE SET last_seq = st.last_seq + 1
        RETURNING st.last_seq INTO next_seq;
        INSERT INTO stream_events (stream_id, seq, type, data, created_at)
        VALUES (p_streams[1], next_seq, p_types[1], p_data[1], p_created_at);
        event_seqs := ARRAY[next_seq];
        RETURN;
    END IF;

    -- Several events: counters in sorted stream order so two writers never deadlock.
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
