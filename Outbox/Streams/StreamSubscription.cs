using OrleansHub.Outbox.EventLog;
namespace OrleansHub.Outbox.Streams;

/// <summary>
/// One sink's subscription to one stream on this silo. Every delivery passes its gate: seqs at or below the
/// cursor are dropped, the next one is delivered, and a gap is filled from the table first (docs/outbox.md).
/// </summary>
public sealed class StreamSubscription : IAsyncDisposable
{
    private const int ReadBatch = 500;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IStreamSink _sink;
    private readonly StreamEventStore _store;
    private readonly LocalStream _owner;
    private long _cursor;
    private bool _closed;

    internal StreamSubscription(LocalStream owner, IStreamSink sink, StreamEventStore store, long afterSeq, long lastSeqAtSubscribe)
    {
        _owner = owner;
        _sink = sink;
        _store = store;
        _cursor = afterSeq;
        LastSeqAtSubscribe = lastSeqAtSubscribe;
    }

    public StreamId Stream => _owner.Id;

    /// <summary>The stream's last seq when the subscription was made.</summary>
    public long LastSeqAtSubscribe { get; }

    /// <summary>The last seq delivered to the sink.</summary>
    public long Cursor => Volatile.Read(ref _cursor);

    /// <summary>Delivers what is stored after the cursor (the replay, or a catch-up).</summary>
    internal Task CatchUpAsync(CancellationToken cancellationToken) => OfferAsync([], cancellationToken);

    internal async Task OfferAsync(IReadOnlyList<StoredStreamEvent> batch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (batch.Count == 0)
            {
                await FillFromTableAsync(long.MaxValue, cancellationToken).ConfigureAwait(false);
                return;
            }
            foreach (var streamEvent in batch)
            {
                if (_closed)
                {
                    return;
                }
                if (streamEvent.Seq <= _cursor)
                {
                    continue;
                }
                if (streamEvent.Seq > _cursor + 1)
                {
                    await FillFromTableAsync(streamEvent.Seq, cancellationToken).ConfigureAwait(false);
                }
                if (streamEvent.Seq == _cursor + 1)
                {
                    Deliver(streamEvent);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Caller holds the gate. Reads and delivers stored events after the cursor and before `before`.
    private async Task FillFromTableAsync(long before, CancellationToken cancellationToken)
    {
        while (!_closed)
        {
            var stored = await _store.ReadAsync(Stream, _cursor, ReadBatch, cancellationToken).ConfigureAwait(false);
            foreach (var streamEvent in stored)
            {
                if (streamEvent.Seq >= before || _closed)
                {
                    return;
                }
                if (streamEvent.Seq > _cursor)
                {
                    Deliver(streamEvent); // a seq missing from the table (trimmed by retention) is skipped over
                }
            }
            if (stored.Count < ReadBatch)
            {
                return;
            }
        }
    }

    private void Deliver(StoredStreamEvent streamEvent)
    {
        if (_sink.TryDeliver(streamEvent))
        {
            Volatile.Write(ref _cursor, streamEvent.Seq);
            return;
        }
        Close(StreamCloseReason.Overflow);
    }

    internal void Close(StreamCloseReason reason)
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        _owner.Remove(this);
        _sink.Closed(reason);
    }

    public ValueTask DisposeAsync()
    {
        _closed = true;
        _owner.Remove(this);
        return ValueTask.CompletedTask;
    }
}
