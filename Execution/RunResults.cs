using System.Globalization;

namespace OrleansHub.Execution;

/// <summary>Builds results and their readable messages the same way for every executor.</summary>
internal static class RunResults
{
    public static RunResult FromExit(RunHandle handle, int? exitCode, TimeSpan timeout, DateTimeOffset completedAt, string? failure = null)
    {
        var output = handle.Collector;
        var (outcome, error) = handle.StopReason switch
        {
            StopReason.Cancelled => (RunOutcome.Cancelled, "cancelled"),
            StopReason.TimedOut => (RunOutcome.TimedOut, "timed out after " + Describe(timeout)),
            StopReason.Shutdown => (RunOutcome.Failed, "the executor shut down before the run finished"),
            StopReason.Failed => (RunOutcome.Failed, handle.FailureMessage ?? "the run failed"),
            _ when failure is not null => (RunOutcome.Failed, failure),
            _ when exitCode == 0 => (RunOutcome.Succeeded, (string?)null),
            _ when exitCode is { } code => (RunOutcome.Failed, "exited with code " + code.ToString(CultureInfo.InvariantCulture)),
            _ => (RunOutcome.Failed, "the exit code is unknown"),
        };
        return new RunResult(handle.RunId, outcome, exitCode, error, output.Truncated, output.Bytes, handle.StartedAt, completedAt);
    }

    public static RunResult NotStarted(RunHandle handle, string error, DateTimeOffset completedAt)
    {
        var outcome = handle.StopReason == StopReason.Cancelled ? RunOutcome.Cancelled : RunOutcome.Failed;
        return new RunResult(handle.RunId, outcome, null, outcome == RunOutcome.Cancelled ? "cancelled before it started" : error,
            handle.Collector.Truncated, handle.Collector.Bytes, handle.StartedAt, completedAt);
    }

    public static string Describe(TimeSpan duration) => duration.TotalSeconds < 120
        ? duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
        : duration.ToString(duration.TotalDays >= 1 ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);

    public static string DescribeBytes(long bytes) => bytes % (1024 * 1024) == 0
        ? (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB"
        : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
}
