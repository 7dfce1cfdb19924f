using Npgsql;

namespace OrleansHub.Outbox.EventLog;

/// <summary>Reads stream events from the outbox table (replay, catch-up).</summary>
public sealed class StreamEventStore(NpgsqlDataSource database)
{
    /// <summary>Events of <paramref name="stream"/> with seq greater than <paramref name="afterSeq"/>, in seq order.</summary>
    public async Task<IReadOnlyList<StoredStreamEvent>> ReadAsync(
        StreamId stream, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        // An event stored without data shares its source's (docs/runtime.md, "Shared event data").
        await using var command = database.CreateCommand("""
            SELECT e.seq, e.type, coalesce(e.data, s.data)::text, e.created_at
            FROM stream_events e
            LEFT JOIN stream_events s ON e.data IS NULL AND s.stream_id = e.source_stream AND s.seq = e.source_seq
            WHERE e.stream_id = $1 AND e.seq > $2
            ORDER BY e.seq LIMIT $3
            """);
        command.Parameters.Add(new() { Value = stream.ToString() });
        command.Parameters.Add(new() { Value = afterSeq });
        command.Parameters.Add(new() { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<StoredStreamEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new StoredStreamEvent(
                stream, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return events;
    }

    /// <summary>The last seq written to <paramref name="stream"/>, or 0 when it has none.</summary>
    public async Task<long> GetLastSeqAsync(StreamId stream, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT last_seq FROM streams WHERE id = $1");
        command.Parameters.Add(new() { Value = stream.ToString() });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long seq ? seq : 0;
    }
}
