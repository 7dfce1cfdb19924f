using System.Collections.Concurrent;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.Streams;

/// <summary>
/// This silo's subscriptions to durable streams: subscribe with replay from the event log, then live events,
/// exactly once and in seq order per subscription. A stream with local subscribers holds one Orleans stream
/// subscription on this silo, whatever the number of local subscribers; its events, this silo's own commits and
/// the periodic tail check all feed the same per-stream gate (docs/outbox.md, "Live delivery").
/// </summary>
public sealed class StreamSubscriptions
{
    private readonly ConcurrentDictionary<StreamId, LocalStream> _streams = new();
    private readonly StreamEventStore _store;
    private readonly LiveStreams _live;
    private readonly StreamWatches _watches;
    private readonly OutboxLog _log;

    internal StreamSubscriptions(StreamEventStore store, LiveStreams live, StreamWatches watches, OutboxLog log)
    {
        _store = store;
        _live = live;
        _watches = watches;
        _log = log;
    }

    /// <summary>Streams with at least one subscriber on this silo.</summary>
    public IReadOnlyCollection<StreamId> ActiveStreams => [.. _streams.Keys];

    /// <summary>
    /// Subscribes <paramref name="sink"/> to <paramref name="stream"/>: it receives every event with seq greater
    /// than <paramref name="afterSeq"/> (all retained ones first), then live events, in seq order. Without
    /// <paramref name="afterSeq"/> it starts after the stream's current last seq. Returns once the replay
    /// has been handed to the sink.
    /// </summary>
    public async Task<StreamSubscription> SubscribeAsync(
        StreamId stream, long? afterSeq, IStreamSink sink, CancellationToken cancellationToken)
    {
        var lastSeq = await _store.GetLastSeqAsync(stream, cancellationToken).ConfigureAwait(false);
        var from = Math.Max(0, afterSeq ?? lastSeq);
        while (true)
        {
            var local = _streams.GetOrAdd(stream, static (id, state) => new LocalStream(id, state.Registry, state.LastSeq), (Registry: this, LastSeq: lastSeq));
            // Live first, then the replay: an event committed elsewhere after this point arrives live, one committed
            // before it is in the table the replay reads.
            await local.GoLiveAsync(_live, _watches, _store, cancellationToken).ConfigureAwait(false);
            var subscription = new StreamSubscription(local, sink, _store, from, lastSeq);
            if (await local.TryAddAsync(subscription, cancellationToken).ConfigureAwait(false))
            {
                await subscription.CatchUpAsync(cancellationToken).ConfigureAwait(false);
                return subscription;
            }
        }
    }

    /// <summary>Events this silo just committed: delivered from memory to local subscribers.</summary>
    internal void Committed(IReadOnlyList<StoredStreamEvent> events)
    {
        if (_streams.IsEmpty)
        {
            return;
        }
        foreach (var group in events.GroupBy(e => e.Stream))
        {
            if (_streams.TryGetValue(group.Key, out var local))
            {
                _ = PullAsync(local, [.. group.OrderBy(e => e.Seq)]);
            }
        }
    }

    /// <summary>An event that arrived on the stream's Orleans subscription (committed on any silo).</summary>
    internal void Arrived(LocalStream local, StoredStreamEvent streamEvent) => _ = PullAsync(local, [streamEvent]);

    /// <summary>The tail check (or a gap) says <paramref name="stream"/> may have events the table holds.</summary>
    internal Task WakeAsync(StreamId stream) =>
        _streams.TryGetValue(stream, out var local) ? PullAsync(local, null) : Task.CompletedTask;

    internal long? CursorOf(StreamId stream) => _streams.TryGetValue(stream, out var local) ? local.Cursor : null;

    internal void Forget(LocalStream local)
    {
        if (_streams.TryRemove(KeyValuePair.Create(local.Id, local)))
        {
            _ = local.LeaveLiveAsync(_log);
        }
    }

    private async Task PullAsync(LocalStream local, IReadOnlyList<StoredStreamEvent>? known)
    {
        try
        {
            await local.PullAsync(known, _store, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The tail check pulls again; nothing is lost by failing here.
            _log.StreamPullFailed(local.Id.ToString(), exception);
        }
    }
}
