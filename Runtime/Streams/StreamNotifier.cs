using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Streams;

/// <summary>
/// After a commit: delivers to this node's subscribers at once, and announces the stream ids to other nodes
/// with NOTIFY from one dedicated connection, coalesced, outside the writers' transactions (NOTIFY inside
/// them would serialize commits; ARCHITECTURE.md "Hard parts").
/// </summary>
internal sealed class StreamNotifier(
    StreamSubscriptions subscriptions,
    NpgsqlDataSource database,
    IOptions<GrainRuntimeOptions> options,
    RuntimeLog log) : BackgroundService
{
    public const string Channel = "hub_streams";

    // NOTIFY payloads must stay under 8000 bytes.
    private const int MaxPayloadBytes = 7000;

    // Overflow drops announcements; the periodic catch-up finds what they would have announced.
    private readonly Channel<StreamId> _pending = System.Threading.Channels.Channel.CreateBounded<StreamId>(
        new BoundedChannelOptions(65_536) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Committed(IReadOnlyList<StoredStreamEvent> events)
    {
        subscriptions.Committed(events);
        foreach (var streamEvent in events)
        {
            _pending.Writer.TryWrite(streamEvent.Stream);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.StreamNotifyDelay;
        NpgsqlConnection? connection = null;
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                var ids = new HashSet<string>(StringComparer.Ordinal);
                while (_pending.Reader.TryRead(out var id))
                {
                    ids.Add(id.ToString());
                }
                try
                {
                    connection ??= await database.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                    foreach (var payload in Payloads(subscriptions.NodeTag, ids))
                    {
                        await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
                        command.Parameters.Add(new() { Value = Channel });
                        command.Parameters.Add(new() { Value = payload });
                        await command.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
                {
                    log.StreamNotifyFailed(exception);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Each payload: this node's tag on the first line, then stream ids, one per line.
    private static IEnumerable<string> Payloads(string nodeTag, IEnumerable<string> ids)
    {
        var payload = new StringBuilder(nodeTag);
        foreach (var id in ids)
        {
            if (payload.Length > nodeTag.Length && Encoding.UTF8.GetByteCount(id) + payload.Length + 1 > MaxPayloadBytes)
            {
                yield return payload.ToString();
                payload.Clear().Append(nodeTag);
            }
            payload.Append('\n').Append(id);
        }
        if (payload.Length > nodeTag.Length)
        {
            yield return payload.ToString();
        }
    }
}
