namespace OrleansHub.Api.Realtime;

/// <summary>
/// Closes this node's hub connections when it stops taking work (the silo calls it at the end of its drain,
/// docs/operations.md "Rolling restarts"): each gets SignalR's close message that allows reconnecting, so its client
/// connects again through the load balancer, which has taken this node out by then, and resumes every stream by
/// <c>afterSeq</c>. Without it, Kestrel's stop waits for the open WebSockets until the host's shutdown timeout.
/// </summary>
public sealed class HubShutdown
{
    private readonly StatusConnections _connections;

    internal HubShutdown(StatusConnections connections) => _connections = connections;

    /// <summary>Closes every open hub connection, and every one that opens from now on; returns how many were open.</summary>
    public int CloseAll() => _connections.CloseAll();
}
