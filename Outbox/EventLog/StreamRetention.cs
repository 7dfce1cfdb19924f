using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.EventLog;

/// <summary>Deletes stream events past the retention age, and all but the newest N of each stream.</summary>
internal sealed class StreamRetention(NpgsqlDataSource database, IOptions<OutboxOptions> options, OutboxLog log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StreamRetentionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await TrimAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (NpgsqlException exception)
                {
                    log.StreamRetentionFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One retention pass; returns the number of events deleted.</summary>
    public async Task<int> TrimAsync(CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        var byAge = new NpgsqlBatchCommand("DELETE FROM stream_events WHERE created_at < now() - $1 * interval '1 millisecond'");
        byAge.Parameters.Add(new() { Value = (long)options.Value.StreamRetentionAge.TotalMilliseconds });
        // Only streams that ever exceeded the count can have events to trim: the filter on streams lets the
        // planner visit just those streams' oldest events by primary key instead of joining the whole table.
        // A shared event (other streams' events hold no data of their own, only a pointer to it) stays for the
        // age rule, which deletes it together with them: they all have its created_at.
        var byCount = new NpgsqlBatchCommand("""
            DELETE FROM stream_events e USING streams s
            WHERE s.last_seq > $1 AND e.stream_id = s.id AND e.seq <= s.last_seq - $1 AND NOT e.shared
            """);
        byCount.Parameters.Add(new() { Value = (long)options.Value.StreamRetentionCount });
        batch.BatchCommands.Add(byAge);
        batch.BatchCommands.Add(byCount);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return byAge.RecordsAffected + byCount.RecordsAffected;
    }
}
