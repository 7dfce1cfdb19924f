namespace OrleansHub.Execution;

/// <summary>How a run ended; the task's final status.</summary>
public enum RunOutcome
{
    /// <summary>The command exited with code 0.</summary>
    Succeeded,

    /// <summary>A non-zero exit code, or the run could not start or be followed (see <see cref="RunResult.Error"/>).</summary>
    Failed,

    /// <summary>Stopped because cancellation was requested.</summary>
    Cancelled,

    /// <summary>Stopped because it ran longer than its timeout.</summary>
    TimedOut,
}

/// <summary>The final result of a run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="ExitCode">The command's exit code, or null when it never ran or its code is unknown.</param>
/// <param name="Error">A readable reason for anything but success, safe to show to the task's owner; null on success.</param>
/// <param name="Truncated">True when output went past the cap and the rest was discarded.</param>
/// <param name="OutputBytes">Output bytes delivered as lines (both streams, newlines included, the cap bounds it).</param>
/// <param name="StartedAt">When the command started, or null if it never did.</param>
/// <param name="CompletedAt">When the executor settled the run.</param>
public sealed record RunResult(
    string RunId,
    RunOutcome Outcome,
    int? ExitCode,
    string? Error,
    bool Truncated,
    long OutputBytes,
    DateTimeOffset? StartedAt,
    DateTimeOffset CompletedAt);
