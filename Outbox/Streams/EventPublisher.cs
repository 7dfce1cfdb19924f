using Orleans.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.Streams;

/// <summary>
/// After a commit: hands the events to this silo's own subscribers from memory, and publishes each on the Orleans
/// stream of the same id, from which every other silo that watches the stream takes it (docs/outbox.md, "Live
/// delivery"). Publishing is not awaited by the writer: the events are committed, and a publish that is lost
/// (the silo dies, the stream provider refuses) is found by each watching silo's tail check.
/// </summary>
internal sealed class EventPublisher(StreamSubscriptions subscriptions, OutboxStreamProvider streams, OutboxLog log)
{
    public void Committed(IReadOnlyList<StoredStreamEvent> events)
    {
        subscriptions.Committed(events);
        var provider = streams.Provider;
        foreach (var streamEvent in events)
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
