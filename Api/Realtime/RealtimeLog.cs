namespace OrleansHub.Api.Realtime;

/// <summary>Hub log messages: ids and reasons only, never tokens.</summary>
internal static partial class RealtimeLog
{
    [LoggerMessage(1, LogLevel.Warning, "Hub connection {ConnectionId} of user {UserId} fell {Buffered} events behind and is disconnected")]
    public static partial void Overflow(ILogger logger, string connectionId, string userId, int buffered);

    [LoggerMessage(2, LogLevel.Information, "Hub connection {ConnectionId} closed: {Reason}")]
    public static partial void Closed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(3, LogLevel.Information, "Hub connection {ConnectionId} lost stream {Stream}: {Reason}")]
    public static partial void SubscriptionEnded(ILogger logger, string connectionId, string stream, string reason);

    [LoggerMessage(4, LogLevel.Debug, "Hub connection {ConnectionId} was refused stream {Stream}")]
    public static partial void Refused(ILogger logger, string connectionId, string stream);

    [LoggerMessage(5, LogLevel.Warning, "Sending to hub connection {ConnectionId} failed")]
    public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Checking hub access again failed")]
    public static partial void RecheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "Hub origin {Origin} refused")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(8, LogLevel.Information, "Hub connection {ConnectionId} of user {UserId} refused: already {Max} open")]
    public static partial void TooManyConnections(ILogger logger, string connectionId, string userId, int max);
}
