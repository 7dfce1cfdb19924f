using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// This node follows <c>workspace:{id}</c> for every workspace that grants one of its connections a subscription
/// (the workspace's own stream or a task's), one subscription per workspace however many connections use it.
/// When a member is removed, or the workspace deleted, the subscriptions it granted end at once (task streams
/// carry no membership events of their own). <see cref="Revocations"/> lets a subscribe that raced with such an
/// event notice it and check again.
/// </summary>
internal sealed class WorkspaceAccessWatch(StreamSubscriptions streams, Action<string, string?> revoke)
{
    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _lock = new();
    private long _revocations;

    /// <summary>Counts access-ending events seen on this node.</summary>
    public long Revocations => Interlocked.Read(ref _revocations);

    /// <summary>
    /// Follows the workspace until the lease is disposed. Returns once the follow is registered, so an access check
    /// made after it cannot miss a removal.
    /// </summary>
    public async Task<IDisposable> AcquireAsync(string workspaceId, CancellationToken cancellationToken)
    {
        Entry? entry;
        var created = false;
        lock (_lock)
        {
            if (!_entries.TryGetValue(workspaceId, out entry))
            {
                entry = new Entry(this, workspaceId);
                _entries[workspaceId] = entry;
                created = true;
            }
            entry.Leases++;
        }
        // Started outside the lock: the subscription may complete synchronously, and must see this lease.
        if (created)
        {
            _ = StartAsync(entry);
        }
        var lease = new Lease(this, entry);
        try
        {
            await entry.Ready.Task.WaitAsync(cancellationToken);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    // Never throws: the outcome goes to entry.Ready.
    private async Task StartAsync(Entry entry)
    {
        try
        {
            var subscription = await streams.SubscribeAsync(new StreamId(StreamNames.Workspace, entry.WorkspaceId), null, entry, CancellationToken.None);
            bool released;
            lock (_lock)
            {
                released = entry.Leases == 0;
                entry.Subscription = released ? null : subscription;
            }
            if (released)
            {
                await subscription.DisposeAsync();
            }
            entry.Ready.TrySetResult();
        }
        catch (Exception exception)
        {
            entry.Ready.TrySetException(exception);
        }
    }

    private void Release(Entry entry)
    {
        StreamSubscription? subscription = null;
        lock (_lock)
        {
            if (--entry.Leases > 0)
            {
                return;
            }
            _entries.Remove(entry.WorkspaceId);
            subscription = entry.Subscription;
            entry.Subscription = null;
        }
        if (subscription is not null)
        {
            var disposed = subscription.DisposeAsync();
            if (!disposed.IsCompletedSuccessfully)
            {
                _ = disposed.AsTask();
            }
        }
    }

    private void Seen(string workspaceId, StoredStreamEvent streamEvent)
    {
        if (streamEvent.Type == AccessEvents.DeletedType)
        {
            Interlocked.Increment(ref _revocations);
            revoke(workspaceId, null);
        }
        else if (AccessEvents.RemovedMember(streamEvent) is { } userId)
        {
            Interlocked.Increment(ref _revocations);
            revoke(workspaceId, userId);
        }
    }

    private sealed class Entry(WorkspaceAccessWatch watch, string workspaceId) : IStreamSink
    {
        public string WorkspaceId { get; } = workspaceId;

        public int Leases { get; set; }

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StreamSubscription? Subscription { get; set; }

        public bool TryDeliver(StoredStreamEvent streamEvent)
        {
            watch.Seen(WorkspaceId, streamEvent);
            return true;
        }

        // Only at shutdown (this sink never refuses); the connections close then too.
        public void Closed(StreamCloseReason reason)
        {
        }
    }

    private sealed class Lease(WorkspaceAccessWatch watch, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                watch.Release(entry);
            }
        }
    }
}
