using Microsoft.Extensions.Logging;

namespace OrleansHub.Execution.Docker;

public sealed partial class DockerTaskExecutor
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} started in container {ContainerId} from {Image}")]
    private partial void LogStarted(string runId, string containerId, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} re-attached to container {ContainerId}")]
    private partial void LogReattached(string runId, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} finished: {Outcome}, exit code {ExitCode}")]
    private partial void LogFinished(string runId, RunOutcome outcome, int? exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping run {RunId}: {Reason}")]
    private partial void LogStopping(string runId, StopReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} failed at the Docker engine: {Error}")]
    private partial void LogEngineFailure(string runId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container {ContainerId} of run {RunId} could not be removed (reaping the run retries): {Error}")]
    private partial void LogRemoveFailed(string runId, string containerId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reaped container {ContainerId} of run {RunId}")]
    private partial void LogReaped(string runId, string containerId);
}
