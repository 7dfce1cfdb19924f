using Microsoft.Extensions.Logging;

namespace OrleansHub.Outbox.Hosting;

/// <summary>The outbox's log messages, structured (one logger category: OrleansHub.Outbox).</summary>
internal sealed partial class OutboxLog(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("OrleansHub.Outbox");

    [LoggerMessage(3, LogLevel.Information, "Applied migration {Migration}")]
    public partial void MigrationApplied(string migration);

    [LoggerMessage(4, LogLevel.Information, "Moved {Count} reminders of the old runtime into Orleans' reminder table")]
    public partial void RemindersImported(int count);

    [LoggerMessage(12, LogLevel.Warning, "Pulling stream {Stream} failed; the tail check will retry")]
    public partial void StreamPullFailed(string stream, Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "Stream tail check failed; it runs again at the next interval")]
    public partial void TailCheckFailed(Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Stream retention pass failed")]
    public partial void StreamRetentionFailed(Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "Publishing event {Seq} of {Stream} live failed; watching silos read it at their tail check")]
    public partial void PublishFailed(string stream, long seq, Exception exception);

    [LoggerMessage(18, LogLevel.Debug, "Leaving the live stream {Stream} failed")]
    public partial void UnsubscribeFailed(string stream, Exception exception);
}
