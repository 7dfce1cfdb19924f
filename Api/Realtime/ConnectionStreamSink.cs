using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// One client subscription: hands the stream's events to its connection's outbox without ever waiting. A
/// replay is accepted whole (retention bounds it); live events count against the connection's buffer.
/// </summary>
internal sealed class ConnectionStreamSink(StatusConnection connection, StreamId stream, string? workspaceScope, IDisposable? scopeLease)
    : IStreamSink
{
    private StreamSubscription? _subscription;
    private volatile bool _live;
    private int _ended;

    public StreamId Stream { get; } = stream;

    /// <summary>The workspace whose membership grants this stream (workspace and task streams), else null.</summary>
    public string? WorkspaceScope { get; } = workspaceScope;

    public bool Ended => Volatile.Read(ref _ended) == 1;

    public long LastSeqAtSubscribe => _subscription?.LastSeqAtSubscribe ?? 0;

    public bool TryDeliver(StoredStreamEvent streamEvent)
    {
        if (Ended)
        {
            return true; // on its way out: drop quietly
        }
        if (!connection.Enqueue(this, streamEvent, _live))
        {
            return false;
        }
        // In seq order on the workspace's own stream: nothing after the event that removed the caller gets out.
        if (_live && WorkspaceScope is not null && Stream.Namespace == Policies.WorkspaceStreamAccess.StreamKind
            && AccessEvents.EndsAccessOf(streamEvent, connection.UserId))
        {
            connection.RevokeWorkspace(WorkspaceScope);
        }
        return true;
    }

    public void Closed(StreamCloseReason reason) => connection.SubscriptionClosed(this, reason);

    /// <summary>The replay is done: from now on events count against the buffer.</summary>
    public void GoLive() => _live = true;

    public void Attach(StreamSubscription subscription)
    {
        Volatile.Write(ref _subscription, subscription);
        if (Ended)
        {
            DisposeSubscription();
        }
    }

    /// <summary>Stops delivery for good (idempotent); events of this sink still in the outbox are dropped.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return;
        }
        DisposeSubscription();
        scopeLease?.Dispose();
    }

    private void DisposeSubscription()
    {
        if (Interlocked.Exchange(ref _subscription, null) is { } subscription)
        {
            // Completes synchronously today (it only leaves the node's subscriber list).
            var disposed = subscription.DisposeAsync();
            if (!disposed.IsCompletedSuccessfully)
            {
                _ = disposed.AsTask();
            }
        }
    }
}
