using OrleansHub.Execution;
using OrleansHub.Grains.Interfaces.Tasks;

namespace OrleansHub.Grains.Tasks;

/// <summary>
/// Follows one run outside the grain's turns: reads its output in batches and reports each batch, then the
/// result, through ordinary calls to the task grain (so every state change is a turn). Reads stop only
/// when the output ends, which keeps the run from stalling on a full output buffer.
/// </summary>
internal static class RunFollower
{
    private const int MaxBatch = 200;

    public static async Task FollowAsync(IRunHandle run, ITaskGrain task)
    {
        await using var _ = run;
        var batch = new List<TaskLogLine>(MaxBatch);
        while (await run.Output.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && run.Output.TryRead(out var line))
            {
                batch.Add(new TaskLogLine(line.Stream == OutputStream.Stderr ? "stderr" : "stdout", line.Text));
            }
            await task.AppendOutputAsync(run.RunId, [.. batch]).ConfigureAwait(false);
            batch.Clear();
        }
        var result = await run.Completion.ConfigureAwait(false);
        await task.CompleteRunAsync(run.RunId, ToReport(result)).ConfigureAwait(false);
    }

    public static RunReport ToReport(RunResult result) => new(
        result.Outcome switch
        {
            RunOutcome.Succeeded => TaskStatuses.Succeeded,
            RunOutcome.Cancelled => TaskStatuses.Cancelled,
            RunOutcome.TimedOut => TaskStatuses.TimedOut,
            _ => TaskStatuses.Failed,
        },
        result.ExitCode,
        result.Error,
        result.Truncated,
        result.CompletedAt);
}
