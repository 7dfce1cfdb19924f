using Microsoft.Extensions.Logging;

namespace OrleansHub.Runtime.Hosting;

/// <summary>The runtime's log messages, structured (one logger category: OrleansHub.Runtime).</summary>
internal sealed partial class RuntimeLog(ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("OrleansHub.Runtime");

    [LoggerMessage(1, LogLevel.Warning, "Activation of {GrainId} failed")]
    public partial void ActivationFailed(GrainId grainId, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed")]
    public partial void DeactivationFailed(GrainId grainId, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Applied migration {Migration}")]
    public partial void MigrationApplied(string migration);

    [LoggerMessage(4, LogLevel.Information, "Silo runtime started with {GrainClassCount} grain classes")]
    public partial void Started(int grainClassCount);

    [LoggerMessage(5, LogLevel.Information, "Silo runtime stopping: {ActivationCount} activations to deactivate")]
    public partial void Stopping(int activationCount);

    [LoggerMessage(6, LogLevel.Information, "Silo runtime stopped")]
    public partial void Stopped();

    [LoggerMessage(7, LogLevel.Warning, "Reminder {ReminderName} of {GrainId} failed; it fires again after its lease")]
    public partial void ReminderFailed(string reminderName, GrainId grainId, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "Reminder poll failed")]
    public partial void ReminderPollFailed(Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Timer callback of {GrainId} failed")]
    public partial void TimerFailed(GrainId grainId, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Collected {Count} idle activations")]
    public partial void Collected(int count);

    [LoggerMessage(11, LogLevel.Warning, "Shutdown timed out with {ActivationCount} activations still busy")]
    public partial void ShutdownTimedOut(int activationCount);

    [LoggerMessage(12, LogLevel.Warning, "Pulling stream {Stream} failed; the catch-up will retry")]
    public partial void StreamPullFailed(string stream, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "Stream NOTIFY failed; other nodes will catch up")]
    public partial void StreamNotifyFailed(Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "Stream LISTEN failed; reconnecting")]
    public partial void StreamListenFailed(Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Stream retention pass failed")]
    public partial void StreamRetentionFailed(Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "One-way call {Method} to {GrainId} failed")]
    public partial void OneWayCallFailed(string method, GrainId grainId, Exception exception);
}
