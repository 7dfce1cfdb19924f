using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.Streams;

/// <summary>
/// Every <see cref="OutboxOptions.StreamCatchUpInterval"/>, compares <c>streams.last_seq</c> of the streams this silo
/// watches with the silo's cursors and pulls what is behind, renewing the silo's watch leases on the way. It is what
/// delivers an event whose live publish was lost (its silo died between the commit and the publish, or the stream
/// provider dropped it).
/// </summary>
internal sealed class StreamTailCheck(
    StreamSubscriptions subscriptions,
    StreamWatches watches,
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
        var active = subscriptions.ActiveStreams;
        if (active.Count == 0)
        {
            return;
        }
        var behind = new List<StreamId>();
        foreach (var (stream, lastSeq) in await watches.RenewAsync(active, cancellationToken).ConfigureAwait(false))
        {
            if (subscriptions.CursorOf(stream) is { } cursor && cursor < lastSeq)
            {
                behind.Add(stream);
            }
        }
        await Task.WhenAll(behind.Select(subscriptions.WakeAsync)).ConfigureAwait(false);
    }
}
