namespace OrleansHub.Silo.Logging;

internal static partial class SiloLog
{
    [LoggerMessage(1, LogLevel.Error, "Silo failed to start: {Reason}")]
    public static partial void StartFailed(this ILogger logger, string reason);

    [LoggerMessage(2, LogLevel.Critical, "Silo stopped on an unexpected error")]
    public static partial void Crashed(this ILogger logger, Exception exception);
}
