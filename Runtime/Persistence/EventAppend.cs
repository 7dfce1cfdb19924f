using Npgsql;
using NpgsqlTypes;

namespace OrleansHub.Runtime.Persistence;

/// <summary>
/// The outbox part of a transaction (docs/runtime.md, "Group commit"): the events of all its writes appended
/// by one statement, the transaction's last. It bumps every stream counter the events need, locking the
/// counter rows in sorted stream order, and inserts the events with the seqs it took. Counter rows are the
/// only rows two writers of one stream share and they are locked last, so they are held only for this
/// statement and the commit, and two transactions can never wait for each other in a cycle.
/// </summary>
internal static class EventAppend
{
    /// <summary>Column name of the statement's result: one row per event, in the order they were passed.</summary>
    public const string ResultColumn = "event_seq";

    private const string Sql = """
        WITH e AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[])
                WITH ORDINALITY AS t(stream, type, data, created_at, ord)),
        n AS (SELECT stream, count(*) AS n FROM e GROUP BY stream),
        bumped AS (
            INSERT INTO streams AS st (id, last_seq) SELECT stream, n FROM n ORDER BY stream
            ON CONFLICT (id) DO UPDATE SET last_seq = st.last_seq + excluded.last_seq
            RETURNING st.id, st.last_seq),
        numbered AS (
            SELECT e.ord, e.stream, e.type, e.data, e.created_at,
                   b.last_seq - n.n + row_number() OVER (PARTITION BY e.stream ORDER BY e.ord) AS seq
            FROM e JOIN n USING (stream) JOIN bumped b ON b.id = e.stream),
        inserted AS (
            INSERT INTO stream_events (stream_id, seq, type, data, created_at)
            SELECT stream, seq, type, data, created_at FROM numbered)
        SELECT seq AS event_seq FROM numbered ORDER BY ord
        """;

    /// <summary>Adds the append of every event of <paramref name="writes"/> (in write order) unless there is none.</summary>
    public static void AddTo(NpgsqlBatch batch, IReadOnlyList<StateWrite> writes)
    {
        var count = 0;
        foreach (var write in writes)
        {
            count += write.Streams.Count;
        }
        if (count == 0)
        {
            return;
        }
        var streams = new string[count];
        var types = new string[count];
        var data = new string[count];
        var createdAt = new DateTimeOffset[count];
        var i = 0;
        foreach (var write in writes)
        {
            write.CopyEventsTo(streams, types, data, createdAt, i);
            i += write.Streams.Count;
        }
        var append = new NpgsqlBatchCommand(Sql);
        append.Parameters.Add(new() { Value = streams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new() { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new() { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        append.Parameters.Add(new() { Value = createdAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(append);
    }
}
