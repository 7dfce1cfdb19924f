using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.Streams;

/// <summary>
/// Every <see cref="OutboxOptions.StreamCatchUpInterval"/>, compares <c>streams.last_seq</c> of the streams this silo
/// watches with the silo's cursors and pulls what is behind. It is what delivers an event whose live publish was lost
/// (its silo died between the commit and the publish, or the stream provider dropped it).
/// </summary>
internal sealed class StreamTailCheck(
    StreamSubscriptions subscriptions,
    NpgsqlDataSource database,
    IOptions<OutboxOptions> options,
    OutboxLog log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StreamCatchUpInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CatchUpAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    log.TailCheckFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var active = subscriptions.ActiveStreams.Select(s => s.ToString()).ToArray();
        if (active.Length == 0)
        {
            return;
        }
        await using var command = database.CreateCommand("SELECT id, last_seq FROM streams WHERE id = ANY($1)");
        command.Parameters.Add(new() { Value = active });
        var behind = new List<StreamId>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var stream = StreamId.Parse(reader.GetString(0));
                if (subscriptions.CursorOf(stream) is { } cursor && cursor < reader.GetInt64(1))
                {
                    behind.Add(stream);
                }
            }
        }
        await Task.WhenAll(behind.Select(subscriptions.WakeAsync)).ConfigureAwait(false);
    }
}
