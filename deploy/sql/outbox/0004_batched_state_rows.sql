-- All grain state rows of a group commit in one statement (docs/runtime.md, "Group commit"): a call of
-- hub_write_state per write cost a function call, a statement and a result set each, on the one connection
-- every write of the node waits for. Behaviour per row is hub_write_state's: p_versions[i] NULL means
-- "no record yet" (the insert fails if one exists), otherwise the row must be at that version; a row that
-- is not raises OHETG and rolls the whole transaction back. The new version is the expected one + 1 (1 for
-- a new row), so nothing is returned but the count.
CREATE OR REPLACE FUNCTION hub_write_states(
    p_types text[], p_keys text[], p_names text[], p_states jsonb[], p_versions bigint[])
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    expected int := coalesce(cardinality(p_types), 0);
BEGIN
    -- Row by row, by primary key: a set-based UPDATE ... FROM unnest(...) was planned once per connection,
    -- and a plan made while grain_state was small scanned the whole table once it was not (measured).
    FOR i IN 1 .. expected LOOP
        IF p_versions[i] IS NULL THEN
            INSERT INTO grain_state (grain_type, grain_key, state_name, state, version)
            VALUES (p_types[i], p_keys[i], p_names[i], p_states[i], 1)
            ON CONFLICT DO NOTHING;
        ELSE
            UPDATE grain_state SET state = p_states[i], version = version + 1, updated_at = now()
            WHERE grain_type = p_types[i] AND grain_key = p_keys[i] AND state_name = p_names[i]
              AND version = p_versions[i];
        END IF;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'state % of %/% is not at version %', p_names[i], p_types[i], p_keys[i],
                coalesce(p_versions[i]::text, 'none') USING ERRCODE = 'OHETG';
        END IF;
    END LOOP;
    RETURN expected;
END;
$$;
