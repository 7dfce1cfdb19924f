namespace OrleansHub.Runtime.Streams;

/// <summary>
/// A stream with subscribers on this node: the node's cursor (last seq pulled) and the subscriptions.
/// Pulls are serialized by a gate so every subscription sees batches in seq order.
/// </summary>
internal sealed class LocalStream(StreamId id, StreamSubscriptions registry, long cursor)
{
    private const int ReadBatch = 500;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private StreamSubscription[] _subscriptions = [];

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
    /// Moves the node cursor forward and offers the new events to every subscription. <paramref name="known"/>
    /// (events this node just committed) is used as is when it directly follows the cursor; otherwise the
    /// table is read.
    /// </summary>
    public async Task PullAsync(IReadOnlyList<StoredStreamEvent>? known, StreamEventStore store, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                IReadOnlyList<StoredStreamEvent> batch;
                if (known is { Count: > 0 } && known[0].Seq == Cursor + 1)
                {
                    batch = known;
                    known = null;
                }
                else if (known is { Count: > 0 } && known[^1].Seq <= Cursor)
                {
                    return; // already pulled
                }
                else
                {
                    batch = await store.ReadAsync(Id, Cursor, ReadBatch, cancellationToken).ConfigureAwait(false);
                    known = null;
                }
                if (batch.Count == 0)
                {
                    return;
                }
                Cursor = batch[^1].Seq;
                foreach (var subscription in Subscriptions)
                {
                    await subscription.OfferAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                if (batch.Count < ReadBatch)
                {
                    return;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
