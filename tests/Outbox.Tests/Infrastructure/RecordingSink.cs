using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Outbox.Tests.Infrastructure;

/// <summary>A stream sink that records what it receives; with a capacity it refuses events past it (a stuck client).</summary>
public sealed class RecordingSink(int capacity = int.MaxValue) : IStreamSink
{
    private readonly List<StoredStreamEvent> _events = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly TaskCompletionSource<StreamCloseReason> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<long> Seqs
    {
        get
        {
            lock (_events)
            {
                return [.. _events.Select(e => e.Seq)];
            }
        }
    }

    public IReadOnlyList<StoredStreamEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public Task<StreamCloseReason> ClosedReason => _closed.Task;

    public bool TryDeliver(StoredStreamEvent streamEvent)
    {
        lock (_events)
        {
            if (_events.Count >= capacity)
            {
                return false;
            }
            _events.Add(streamEvent);
            foreach (var waiter in _waiters.Where(w => _events.Count >= w.Count))
            {
                waiter.Done.TrySetResult();
            }
            return true;
        }
    }

    public void Closed(StreamCloseReason reason) => _closed.TrySetResult(reason);

    /// <summary>Completes once <paramref name="count"/> events have arrived; fails after 30 s.</summary>
    public Task WaitForAsync(int count)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_events)
        {
            if (_events.Count >= count)
            {
                return Task.CompletedTask;
            }
            _waiters.Add((count, done));
        }
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
