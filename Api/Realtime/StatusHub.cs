using Microsoft.AspNetCore.SignalR;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// <c>/hubs/status</c> (docs/api.md "Real time"). Thin: everything happens in <see cref="StatusConnections"/>.
/// Server-to-client methods: <see cref="StatusClientMethods"/>.
/// </summary>
internal sealed class StatusHub(StatusConnections connections) : Hub
{
    public override Task OnConnectedAsync() => connections.ConnectAsync(Context);

    public override Task OnDisconnectedAsync(Exception? exception) => connections.DisconnectAsync(Context.ConnectionId);

    /// <summary>
    /// Delivers every event of <paramref name="stream"/> with seq greater than <paramref name="afterSeq"/> (null: from
    /// now on), replayed then live, in order. Fails (HubException) for a stream that is unknown or not the caller's.
    /// </summary>
    public Task<SubscribeResult> Subscribe(string stream, long? afterSeq) =>
        connections.SubscribeAsync(Context.ConnectionId, stream, afterSeq, Context.ConnectionAborted);

    public void Unsubscribe(string stream) => connections.Unsubscribe(Context.ConnectionId, stream);
}
