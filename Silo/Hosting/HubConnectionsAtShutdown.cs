using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Knows this silo's open hub connections so that <see cref="ShutdownDrain"/> can close them when the drain ends:
/// with SignalR's close message that allows reconnecting (the client connects again through the load balancer, which
/// has taken this node out by then, and resumes each stream by <c>afterSeq</c>). Without it, Kestrel's stop waits for
/// the open WebSockets until the host's shutdown timeout, and Orleans then stops non-gracefully (docs/operations.md
/// "Rolling restarts"). A connection that opens after that moment is told to close at once.
/// </summary>
internal sealed partial class HubConnectionsAtShutdown(ILogger<HubConnectionsAtShutdown> logger) : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new(StringComparer.Ordinal);
    private volatile bool _closing;

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _open[context.Context.ConnectionId] = context.Context;
        await next(context);
        if (_closing)
        {
            Close(context.Context);
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _open.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }

    /// <summary>Asks every open hub connection to close, allowing the client to reconnect elsewhere.</summary>
    public void CloseAll()
    {
        _closing = true;
        var connections = _open.Values.ToList();
        ClosingConnections(logger, connections.Count);
        foreach (var connection in connections)
        {
            Close(connection);
        }
    }

    // The hub answers a close request with SignalR's close message, allowReconnect set (the way the hub closes a
    // connection whose stream reader fell behind); a connection without the feature can only be aborted.
    private static void Close(HubCallerContext connection)
    {
        if (connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            lifetime.RequestClose();
        }
        else
        {
            connection.Abort();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Drained: closing {Count} hub connections so their clients reconnect to another node")]
    private static partial void ClosingConnections(ILogger logger, int count);
}
