namespace OrleansHub.LoadTest;

/// <summary>
/// One hub connection of the harness that follows two streams (<c>--client</c>: <see cref="HubLoadConnection"/>, our
/// allocation-light JSON-protocol client, or <see cref="OfficialHubLoadConnection"/>, Microsoft.AspNetCore.SignalR.Client).
/// </summary>
internal interface IHubLoadConnection
{
    bool Open { get; }

    /// <summary>The last seq seen on each followed stream (-1: none yet).</summary>
    long LastSeq(int stream);

    /// <summary>Events received on the followed streams so far.</summary>
    long EventsReceived { get; }

    /// <summary>Negotiate, connect with the bearer token and complete the handshake.</summary>
    Task ConnectAsync(Uri server, string accessToken, CancellationToken cancellationToken);

    /// <summary>Subscribe(stream, null); returns the stream's last seq.</summary>
    Task<long> SubscribeAsync(int stream, CancellationToken cancellationToken);

    /// <summary>A keep-alive ping, for a client that does not send its own.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    Task CloseAsync();
}
