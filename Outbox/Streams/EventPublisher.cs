using Orleans.Runtime;
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
/// found by each watching silo's tail check. A silo alone in its cluster publishes nothing: its subscribers are all
/// local.
/// </summary>
internal sealed class EventPublisher(
    StreamSubscriptions subscriptions,
    OutboxStreamProvider streams,
    IClusterMembershipService membership,
    StorageMetrics metrics,
    OutboxLog log)
{
    private long _published;
    private (MembershipVersion Version, bool Alone) _membership = (MembershipVersion.MinValue, false);

    /// <summary>Events this silo has published on Orleans streams.</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Committed(IReadOnlyList<StoredStreamEvent> events, IReadOnlyList<StoredStreamEvent> watched)
    {
        subscriptions.Committed(events);
        if (watched.Count == 0 || IsAlone())
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

    // The only silo of the cluster: every subscriber is local and has the events from memory already. A silo that
    // joins is seen at the next membership refresh; what it misses until then reaches it by its tail check.
    private bool IsAlone()
    {
        var snapshot = membership.CurrentSnapshot;
        var known = _membership;
        if (known.Version != snapshot.Version)
        {
            known = (snapshot.Version, snapshot.Members.Values.Count(m => m.Status != Orleans.Runtime.SiloStatus.Dead) <= 1);
            _membership = known;
        }
        return known.Alone;
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
