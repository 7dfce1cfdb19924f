using System.Collections.Concurrent;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Streams;

/// <summary>
/// This node's stream subscriptions (the hub's backplane): subscribe with replay, and the wake-ups that
/// pull new events for streams that have local subscribers (docs/runtime.md, "Stream delivery").
/// </summary>
public sealed class StreamSubscriptions
{
    private readonly ConcurrentDictionary<StreamId, LocalStream> _streams = new();
    private readonly StreamEventStore _store;
    private readonly RuntimeLog _log;

    internal StreamSubscriptions(StreamEventStore store, RuntimeLog log)
    {
        _store = store;
        _log = log;
    }

    /// <summary>
    /// Names this node in its NOTIFY payloads, so its listener skips its own announcements (their events were
    /// delivered from memory at commit).
    /// </summary>
    internal string NodeTag { get; } = "@" + Guid.NewGuid().ToString("N");

    /// <summary>Streams with at least one subscriber on this node.</summary>
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
            var subscription = new StreamSubscription(local, sink, _store, from, lastSeq);
            if (await local.TryAddAsync(subscription, cancellationToken).ConfigureAwait(false))
            {
                await subscription.CatchUpAsync(cancellationToken).ConfigureAwait(false);
                return subscription;
            }
        }
    }

    /// <summary>Events this node just committed: delivered from memory to local subscribers.</summary>
    internal void Committed(IReadOnlyList<StoredStreamEvent> events)
    {
        foreach (var group in events.GroupBy(e => e.Stream))
        {
            if (_streams.TryGetValue(group.Key, out var local))
            {
                _ = PullAsync(local, [.. group.OrderBy(e => e.Seq)]);
            }
        }
    }

    /// <summary>Another node (or the catch-up) says <paramref name="stream"/> has new events.</summary>
    internal Task WakeAsync(StreamId stream) =>
        _streams.TryGetValue(stream, out var local) ? PullAsync(local, null) : Task.CompletedTask;

    internal long? CursorOf(StreamId stream) => _streams.TryGetValue(stream, out var local) ? local.Cursor : null;

    internal void Forget(LocalStream local) => _streams.TryRemove(KeyValuePair.Create(local.Id, local));

    /// <summary>Ends every subscription (silo stopping); sinks are told <see cref="StreamCloseReason.Shutdown"/>.</summary>
    internal void CloseAll()
    {
        foreach (var local in _streams.Values)
        {
            foreach (var subscription in local.Subscriptions)
            {
                subscription.Close(StreamCloseReason.Shutdown);
            }
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
            // The periodic catch-up pulls again; nothing is lost by failing here.
            _log.StreamPullFailed(local.Id.ToString(), exception);
        }
    }
}
