using Orleans.Streams;
using OrleansHub.Outbox.EventLog;

namespace OrleansHub.Outbox.Streams;

/// <summary>
/// This silo's Orleans stream subscriptions, one per durable stream that has local subscribers. They are made from
/// host code, so Orleans holds them for the silo (its hosted client), not for a grain.
/// </summary>
internal sealed class LiveStreams(OutboxStreamProvider streams)
{
    public Task<StreamSubscriptionHandle<StoredStreamEvent>> SubscribeAsync(
        StreamId stream, IAsyncObserver<StoredStreamEvent> observer) =>
        streams.Provider.GetStream<StoredStreamEvent>(stream.ToOrleans()).SubscribeAsync(observer);
}

/// <summary>Feeds one stream's Orleans events into its local gate without waiting for delivery to the sinks.</summary>
internal sealed class LiveObserver(StreamSubscriptions registry, LocalStream local) : IAsyncObserver<StoredStreamEvent>
{
    public Task OnNextAsync(StoredStreamEvent item, StreamSequenceToken? token = null)
    {
        registry.Arrived(local, item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    // The stream provider gave up on this subscription; the tail check still delivers every event.
    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
