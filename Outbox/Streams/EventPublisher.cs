using Orleans.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Hosting;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Outbox.Streams;

/// <summary>
/// After a commit: hands the events to this silo's own subscribers from memory, and publishes those of watched
/// streams (as the event append found them) on the Orleans stream of the same id, from which
/// every silo that watches the stream takes it (docs/outbox.md, "Live delivery"). Publishing is not awaited by the
/// writer: the events are committed, and a publish that is lost (the silo dies, the stream provider refuses) is
/// found by each watching silo's tail check.
/// </summary>
internal sealed class EventPublisher(StreamSubscriptions subscriptions, OutboxStreamProvider streams, StorageMetrics metrics, OutboxLog log)
{
    private long _published;

    /// <summary>Events this silo has published on Orleans streams.</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Committed(IReadOnlyList<StoredStreamEvent> events, IReadOnlyList<StoredStreamEvent> watched)
    {
        subscriptions.Committed(events);
        if (watched.Count == 0)
        {
            return;
        }
        Interlocked.Add(ref _published, watched.Count);
        metrics.Published(watched.Count);
        var provider = streams.Provider;
        foreach (var streamEvent in watched)
        {
            _ = PublishAsync(provider.GetStream<StoredStreamEvent>(streamEvent.Stream.ToOrleans()), streamEvent);
        }
    }

    private async Task PublishAsync(IAsyncStream<StoredStreamEvent> stream, StoredStreamEvent streamEvent)
    {
        try
        {
            await stream.OnNextAsync(streamEvent).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            log.PublishFailed(streamEvent.Stream.ToString(), streamEvent.Seq, exception);
        }
    }
}
