using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Api.Realtime;

/// <summary>The status hub (<c>Realtime:*</c>); docs/realtime.md.</summary>
public sealed class RealtimeOptions
{
    public const string SectionName = "Realtime";

    /// <summary>
    /// Live events a connection may have waiting to be sent. A client that falls this far behind is disconnected
    /// (it resumes by seq); a replay is not counted, since retention bounds it. Default 1,024.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ConnectionBufferSize { get; set; } = 1024;

    /// <summary>Streams one connection may subscribe to at once (its own <c>user:</c> stream included). Default 100.</summary>
    [Range(1, 10_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 100;

    /// <summary>
    /// How often every connection's credentials and subscriptions are checked again, for access lost without an
    /// event the hub reacts to at once. Default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan AccessRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Hub connections one user may have open on this node (process) at once, counted across all their sessions and
    /// API keys. The connection over the cap is refused when it starts (a close message whose error says why), and
    /// a closed connection frees its place at once. Default 20.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;
}
