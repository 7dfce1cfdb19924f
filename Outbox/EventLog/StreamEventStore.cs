using Npgsql;

namespace OrleansHub.Outbox.EventLog;

/// <summary>Reads stream events from the outbox table (replay, catch-up, a stream's events of one type).</summary>
public sealed class StreamEventStore(NpgsqlDataSource database)
{
    // An event stored without data shares its source's (docs/outbox.md, "Shared event data").
    private const string Select = """
        SELECT e.seq, e.type, coalesce(e.data, s.data)::text, e.created_at
        FROM stream_events e
        LEFT JOIN stream_events s ON e.data IS NULL AND s.stream_id = e.source_stream AND s.seq = e.source_seq
        """;

    private const string AfterSeq = Select + " WHERE e.stream_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3";

    private const string OfTypeAfterSeq = Select + " WHERE e.stream_id = $1 AND e.seq > $2 AND e.type = $4 ORDER BY e.seq LIMIT $3";

    /// <summary>Events of <paramref name="stream"/> with seq greater than <paramref name="afterSeq"/>, in seq order.</summary>
    public Task<IReadOnlyList<StoredStreamEvent>> ReadAsync(
        StreamId stream, long afterSeq, int limit, CancellationToken cancellationToken) =>
        QueryAsync(stream, AfterSeq, afterSeq, limit, type: null, cancellationToken);

    /// <summary>
    /// Events of <paramref name="stream"/> of one <paramref name="type"/> with seq greater than
    /// <paramref name="afterSeq"/>, in seq order; <paramref name="limit"/> counts only events of that type.
    /// </summary>
    public Task<IReadOnlyList<StoredStreamEvent>> ReadAsync(
        StreamId stream, string type, long afterSeq, int limit, CancellationToken cancellationToken) =>
        QueryAsync(stream, OfTypeAfterSeq, afterSeq, limit, type, cancellationToken);

    /// <summary>The last seq written to <paramref name="stream"/>, or 0 when it has none.</summary>
    public async Task<long> GetLastSeqAsync(StreamId stream, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT last_seq FROM streams WHERE id = $1");
        command.Parameters.Add(new() { Value = stream.ToString() });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long seq ? seq : 0;
    }

    private async Task<IReadOnlyList<StoredStreamEvent>> QueryAsync(
        StreamId stream, string sql, long afterSeq, int limit, string? type, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new() { Value = stream.ToString() });
        command.Parameters.Add(new() { Value = afterSeq });
        command.Parameters.Add(new() { Value = limit });
        if (type is not null)
        {
            command.Parameters.Add(new() { Value = type });
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<StoredStreamEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new StoredStreamEvent(
                stream, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return events;
    }
}
