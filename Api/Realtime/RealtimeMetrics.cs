using System.Diagnostics.Metrics;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// The hub's instruments (meter <c>OrleansHub.Realtime</c>, docs/operations.md): events sent to clients, and
/// connections the server closed, by reason. A rising <c>overflow</c> count means clients that cannot keep up.
/// </summary>
internal sealed class RealtimeMetrics
{
    public const string MeterName = "OrleansHub.Realtime";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _closed;

    public RealtimeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _sent = meter.CreateCounter<long>("orleanshub.hub.events.sent", "{event}",
            "Stream events sent to hub clients (one per connection that receives it)");
        _closed = meter.CreateCounter<long>("orleanshub.hub.connections.closed", "{connection}",
            "Hub connections the server closed, by reason");
    }

    public void Sent() => _sent.Add(1);

    public void Closed(string reason) => _closed.Add(1, new KeyValuePair<string, object?>("reason", reason));
}

/// <summary>Why the server closed a hub connection: in the log and as the <c>reason</c> of the closed counter.</summary>
internal static class CloseReasons
{
    /// <summary>More live events waiting than the connection's buffer; the client resumes by seq.</summary>
    public const string Overflow = "overflow";

    /// <summary>The node is shutting down; the client reconnects to another.</summary>
    public const string Shutdown = "shutdown";

    public const string SendFailed = "send_failed";

    public const string SessionEnded = "session_ended";

    public const string ApiKeyRevoked = "api_key_revoked";

    public const string CredentialsExpired = "credentials_expired";

    /// <summary>Found invalid at connect or at the periodic re-check.</summary>
    public const string CredentialsInvalid = "credentials_invalid";
}
