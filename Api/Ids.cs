namespace OrleansHub.Api;

/// <summary>Ids are opaque strings (docs/api.md); anything implausible is simply not found, and never reaches a grain key.</summary>
internal static class Ids
{
    public const int MaxLength = 64;

    /// <summary>
    /// A new id: a version 7 UUID, whose leading bits are its creation time. New rows then land at the right
    /// edge of every b-tree keyed by it (grain_state, streams, stream_events, orders, tasks) instead of on a
    /// random page each, which writes far less to the write-ahead log (docs/performance.md, "Time-ordered
    /// ids"). Its 74 random bits keep it unguessable. Every id the API issues has this one form (lowercase,
    /// dashed); tasks and menu items issued before it kept their 32-hex-digit ids, which stay valid as issued.
    /// </summary>
    public static string New() => Guid.CreateVersion7().ToString();

    public static bool IsPlausible(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
