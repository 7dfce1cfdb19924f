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
