using Orleans.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.Streams;

/// <summary>
/// A stream with subscribers on this silo: the silo's cursor (last seq offered), the subscriptions, and the one
/// Orleans stream subscription that brings its live events. Pulls are serialized by a gate so every subscription
/// sees batches in seq order, without gaps.
/// </summary>
internal sealed class LocalStream(StreamId id, StreamSubscriptions registry, long cursor)
{
    private const int ReadBatch = 500;

    /// <summary>How long events ahead of the cursor wait for the missing ones before the table is read.</summary>
    internal static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private StreamSubscription[] _subscriptions = [];

    // Events this silo committed ahead of the cursor, by seq; only touched under the gate.
    private readonly SortedDictionary<long, StoredStreamEvent> _parked = [];
    private volatile bool _gapCheckScheduled;

    private Task<StreamSubscriptionHandle<StoredStreamEvent>>? _live;

    public StreamId Id { get; } = id;

    /// <summary>Set once the last subscription left; a removed stream is never used again.</summary>
    public bool IsRemoved { get; private set; }

    public long Cursor { get; private set; } = cursor;

    public int Count => Volatile.Read(ref _subscriptions).Length;

    /// <summary>Adds a subscription unless the stream was just removed (then the caller makes a new one).</summary>
    public async Task<bool> TryAddAsync(StreamSubscription subscription, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (IsRemoved)
                {
                    return false;
                }
                _subscriptions = [.. _subscriptions, subscription];
                return true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Makes (once) this silo's Orleans subscription to the stream: first the watch lease, so writers that commit
    /// from then on publish; then the subscription; then one read of the table, for what was committed before the
    /// subscription took effect (not left for the tail check). A failed attempt is made again by the next subscriber.
    /// </summary>
    public Task GoLiveAsync(LiveStreams live, StreamWatches watches, StreamEventStore store, CancellationToken cancellationToken)
    {
        Task<StreamSubscriptionHandle<StoredStreamEvent>> subscribing;
        lock (_lock)
        {
            if (_live is { IsFaulted: true } or { IsCanceled: true })
            {
                _live = null;
            }
            subscribing = _live ??= SubscribeAsync(live, watches, store);
        }
        return subscribing.WaitAsync(cancellationToken);
    }

    private async Task<StreamSubscriptionHandle<StoredStreamEvent>> SubscribeAsync(LiveStreams live, StreamWatches watches, StreamEventStore store)
    {
        await watches.WatchAsync(Id, CancellationToken.None).ConfigureAwait(false);
        var handle = await live.SubscribeAsync(Id, new LiveObserver(registry, this)).ConfigureAwait(false);
        await PullAsync(null, store, CancellationToken.None).ConfigureAwait(false);
        return handle;
    }

    /// <summary>Ends the Orleans subscription (the last local subscriber left, or the silo stops).</summary>
    public async Task LeaveLiveAsync(OutboxLog log)
    {
        Task<StreamSubscriptionHandle<StoredStreamEvent>>? subscribing;
        lock (_lock)
        {
            subscribing = _live;
        }
        if (subscribing is null)
        {
            return;
        }
        try
        {
            var handle = await subscribing.ConfigureAwait(false);
            await handle.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            log.UnsubscribeFailed(Id.ToString(), exception);
        }
    }

    public void Remove(StreamSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions.Where(s => s != subscription)];
            if (_subscriptions.Length == 0 && !IsRemoved)
            {
                IsRemoved = true;
                registry.Forget(this);
            }
        }
    }

    public StreamSubscription[] Subscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>
    /// Moves the silo cursor forward and offers the new events to every subscription. <paramref name="known"/>
    /// (events this silo just committed, or one that arrived live) is used as is when it directly follows the cursor. Commits of one
    /// stream can reach this silo out of seq order (their callers resume in any order), so events ahead of the
    /// cursor wait here until the missing ones arrive; if they have not after <see cref="GapWait"/> (written by
    /// another silo, whose Orleans publish is on its way, or a publish that was lost), the table is read.
    /// Without <paramref name="known"/> (a wake-up) the table is read.
    /// </summary>
    public async Task PullAsync(IReadOnlyList<StoredStreamEvent>? known, StreamEventStore store, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (known is not null)
            {
                Park(known);
            }
            else
            {
                await ReadTableAsync(store, cancellationToken).ConfigureAwait(false);
            }
            await OfferParkedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Caller holds the gate.
    private void Park(IReadOnlyList<StoredStreamEvent> events)
    {
        foreach (var streamEvent in events)
        {
            if (streamEvent.Seq > Cursor)
            {
                _parked[streamEvent.Seq] = streamEvent;
            }
        }
    }

    // Caller holds the gate. Reads everything after the cursor, in batches.
    private async Task ReadTableAsync(StreamEventStore store, CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await store.ReadAsync(Id, Cursor, ReadBatch, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return;
            }
            await OfferAsync(batch, cancellationToken).ConfigureAwait(false);
            if (batch.Count < ReadBatch)
            {
                return;
            }
        }
    }

    // Caller holds the gate. Offers the parked run that follows the cursor; a gap left behind is read from the
    // table after GapWait unless it fills first.
    private async Task OfferParkedAsync(CancellationToken cancellationToken)
    {
        while (_parked.Count > 0 && _parked.First().Key <= Cursor)
        {
            _parked.Remove(_parked.First().Key);
        }
        var run = new List<StoredStreamEvent>();
        while (_parked.Remove(Cursor + 1 + run.Count, out var next))
        {
            run.Add(next);
        }
        if (run.Count > 0)
        {
            await OfferAsync(run, cancellationToken).ConfigureAwait(false);
        }
        if (_parked.Count > 0 && !_gapCheckScheduled)
        {
            _gapCheckScheduled = true;
            _ = CheckGapLaterAsync();
        }
    }

    private async Task CheckGapLaterAsync()
    {
        await Task.Delay(GapWait).ConfigureAwait(false);
        _gapCheckScheduled = false;
        if (!IsRemoved && _parked.Count > 0)
        {
            await registry.WakeAsync(Id).ConfigureAwait(false);
        }
    }

    // Caller holds the gate.
    private async Task OfferAsync(IReadOnlyList<StoredStreamEvent> batch, CancellationToken cancellationToken)
    {
        Cursor = batch[^1].Seq;
        foreach (var subscription in Subscriptions)
        {
            await subscription.OfferAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }
}
