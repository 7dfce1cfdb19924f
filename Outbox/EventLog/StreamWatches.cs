using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.EventLog;

/// <summary>
/// The <c>watched_until</c> leases of stream counter rows (migration 0006): a silo with subscribers to a stream
/// takes a lease before it subscribes to the stream's Orleans stream, and renews it while they stay. The event
/// append reads the lease in the writing transaction, so writers publish live only what somebody watches.
/// </summary>
internal sealed class StreamWatches(NpgsqlDataSource database, IOptions<OutboxOptions> options)
{
    /// <summary>Takes (or extends) the lease on <paramref name="stream"/>; returns its last seq (0 when it has none).</summary>
    public async Task<long> WatchAsync(StreamId stream, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO streams AS st (id, last_seq, watched_until) VALUES ($1, 0, now() + $2 * interval '1 millisecond')
            ON CONFLICT (id) DO UPDATE SET watched_until = greatest(st.watched_until, excluded.watched_until)
            RETURNING st.last_seq
            """);
        command.Parameters.Add(new() { Value = stream.ToString() });
        command.Parameters.Add(new() { Value = (long)options.Value.WatchLease.TotalMilliseconds });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Renews the leases of <paramref name="streams"/> that have less than half their length left (so a watched
    /// stream's row is written about twice a lease, not at every call), and reads every one's last seq.
    /// </summary>
    public async Task<IReadOnlyList<(StreamId Stream, long LastSeq)>> RenewAsync(IReadOnlyCollection<StreamId> streams, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        var ids = streams.Select(s => s.ToString()).ToArray();
        var lease = (long)options.Value.WatchLease.TotalMilliseconds;
        var renew = new NpgsqlBatchCommand("""
            UPDATE streams SET watched_until = now() + $2 * interval '1 millisecond'
            WHERE id = ANY($1) AND (watched_until IS NULL OR watched_until < now() + $2 / 2 * interval '1 millisecond')
            """);
        renew.Parameters.Add(new() { Value = ids });
        renew.Parameters.Add(new() { Value = lease });
        var read = new NpgsqlBatchCommand("SELECT id, last_seq FROM streams WHERE id = ANY($1)");
        read.Parameters.Add(new() { Value = ids });
        batch.BatchCommands.Add(renew);
        batch.BatchCommands.Add(read);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(StreamId, long)>(ids.Length);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((StreamId.Parse(reader.GetString(0)), reader.GetInt64(1)));
        }
        return rows;
    }
}
