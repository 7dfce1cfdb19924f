using Npgsql;
using NpgsqlTypes;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Outbox.EventLog;

/// <summary>
/// The outbox part of a transaction (docs/outbox.md, "Group commit"): the events of all its writes appended
/// by one statement, the transaction's last. It bumps each stream counter by the number of events the stream
/// gets, locking the counter rows in sorted stream order, and inserts every event at the seq it took. Counter
/// rows are the only rows two writers of one stream share and they are locked last, so they are held only for
/// this statement and the commit, and two transactions can never wait for each other in a cycle.
///
/// The grouping is done here, not in SQL: the statement gets each stream once with its count, and each event
/// with how many events of its stream follow it in the transaction, so an event's seq is its stream's new
/// last seq minus that number. The statement returns only the new last seq per stream, and whether some silo
/// watches the stream (its <c>watched_until</c> lease has not run out), which decides what is published live.
///
/// An event whose write gave another stream the same data object is stored without data, pointing at that
/// event (its source: stream and the same "how many follow" number, so its seq is found the same way); the
/// source is marked shared (docs/outbox.md, "Shared event data").
/// </summary>
internal sealed class EventAppend
{
    /// <summary>
    /// Column name of the statement's first result column: one row per stream, with its new last seq and whether
    /// it is watched.
    /// </summary>
    public const string ResultColumn = "appended_stream";

    private const string Sql = $"""
        WITH bumped AS (
            INSERT INTO streams AS st (id, last_seq)
            SELECT * FROM unnest($1::text[], $2::bigint[]) ORDER BY 1
            ON CONFLICT (id) DO UPDATE SET last_seq = st.last_seq + excluded.last_seq
            RETURNING st.id, st.last_seq, coalesce(st.watched_until > now(), false) AS watched),
        inserted AS (
            INSERT INTO stream_events (stream_id, seq, type, data, created_at, source_stream, source_seq, shared)
            SELECT e.stream, b.last_seq - e.after, e.type, e.data, e.created_at,
                e.source_stream, sb.last_seq - e.source_after, e.shared
            FROM unnest($3::text[], $4::bigint[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::text[], $9::bigint[], $10::boolean[])
                AS e(stream, after, type, data, created_at, source_stream, source_after, shared)
            JOIN bumped b ON b.id = e.stream
            LEFT JOIN bumped sb ON sb.id = e.source_stream)
        SELECT id AS {ResultColumn}, last_seq, watched FROM bumped
        """;

    private readonly string[] _streams;
    private readonly long[] _after;

    private EventAppend(string[] streams, long[] after, int streamCount)
    {
        _streams = streams;
        _after = after;
        StreamCount = streamCount;
    }

    /// <summary>How many streams the append bumps: the rows its statement returns.</summary>
    public int StreamCount { get; }

    /// <summary>
    /// Adds the append of every event of <paramref name="writes"/> (in write order) unless there is none;
    /// returns what maps the statement's result back to each event's seq, or null when nothing was added.
    /// </summary>
    public static EventAppend? AddTo(NpgsqlBatch batch, IReadOnlyList<StateWrite> writes)
    {
        var count = 0;
        foreach (var write in writes)
        {
            count += write.Streams.Count;
        }
        if (count == 0)
        {
            return null;
        }
        var streams = new string[count];
        var types = new string[count];
        var data = new string?[count];
        var sources = new int[count];
        var createdAt = new DateTimeOffset[count];
        var at = 0;
        foreach (var write in writes)
        {
            write.CopyEventsTo(streams, types, data, sources, createdAt, at);
            at += write.Streams.Count;
        }

        // Per stream, its events in this transaction; per event, how many of its stream's come after it.
        var perStream = new Dictionary<string, long>(StringComparer.Ordinal);
        var after = new long[count];
        for (var i = count - 1; i >= 0; i--)
        {
            perStream.TryGetValue(streams[i], out var later);
            after[i] = later;
            perStream[streams[i]] = later + 1;
        }
        var sourceStreams = new string?[count];
        var sourceAfter = new long?[count];
        var shared = new bool[count];
        for (var i = 0; i < count; i++)
        {
            if (sources[i] >= 0)
            {
                sourceStreams[i] = streams[sources[i]];
                sourceAfter[i] = after[sources[i]];
                shared[sources[i]] = true;
            }
        }
        var distinct = new string[perStream.Count];
        var counts = new long[perStream.Count];
        var d = 0;
        foreach (var (stream, events) in perStream)
        {
            distinct[d] = stream;
            counts[d++] = events;
        }

        var append = new NpgsqlBatchCommand(Sql);
        append.Parameters.Add(new() { Value = distinct, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new() { Value = counts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        append.Parameters.Add(new() { Value = streams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new() { Value = after, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        append.Parameters.Add(new() { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new() { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        append.Parameters.Add(new() { Value = createdAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        append.Parameters.Add(new() { Value = sourceStreams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new() { Value = sourceAfter, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        append.Parameters.Add(new() { Value = shared, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        batch.BatchCommands.Add(append);
        return new EventAppend(streams, after, perStream.Count);
    }

    /// <summary>
    /// Each event's seq, in the order the events were added, from the statement's rows (stream, new last seq).
    /// Throws when a stream of the transaction has no row.
    /// </summary>
    public long[] SeqsFrom(IReadOnlyDictionary<string, long> lastSeqs)
    {
        var seqs = new long[_streams.Length];
        for (var i = 0; i < seqs.Length; i++)
        {
            if (!lastSeqs.TryGetValue(_streams[i], out var last))
            {
                throw new InvalidOperationException($"The event append returned no seq for stream '{_streams[i]}'.");
            }
            seqs[i] = last - _after[i];
        }
        return seqs;
    }
}
