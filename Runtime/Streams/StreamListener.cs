using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Streams;

/// <summary>
/// LISTENs for other nodes' announcements and wakes the named local streams; after every (re)connect, and
/// every StreamCatchUpInterval, compares streams.last_seq with the node's cursors and pulls what is behind.
/// </summary>
internal sealed class StreamListener(
    StreamSubscriptions subscriptions,
    NpgsqlDataSource database,
    IOptions<GrainRuntimeOptions> options,
    RuntimeLog log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), CatchUpLoopAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => Wake(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {StreamNotifier.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }
                try
                {
                    // Notifications sent while we were not listening are gone: catch up once now.
                    await CatchUpAsync(stoppingToken).ConfigureAwait(false);
                    while (true)
                    {
                        await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    // Pooled connections are not reset (NoResetOnClose): never hand one back still listening.
                    await UnlistenAsync(connection).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                log.StreamListenFailed(exception);
                try
                {
                    await Task.Delay(options.Value.StreamCatchUpInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // The first line names the sending node; this node's own events were delivered from memory at commit.
    private void Wake(string payload)
    {
        var lines = payload.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] == subscriptions.NodeTag)
        {
            return;
        }
        foreach (var id in lines)
        {
            if (StreamId.TryParse(id, out var stream))
            {
                _ = subscriptions.WakeAsync(stream);
            }
        }
    }

    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // A broken connection is not returned to the pool anyway.
        }
    }

    private async Task CatchUpLoopAsync(CancellationToken stoppingToken)
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
                    log.StreamListenFailed(exception);
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
