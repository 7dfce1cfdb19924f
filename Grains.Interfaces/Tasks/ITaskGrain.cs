namespace OrleansHub.Grains.Interfaces.Tasks;

/// <summary>
/// One task: its state machine (queued → running → succeeded | failed | cancelled | timed_out, and
/// queued → cancelled), its run in the sandbox, its logs and progress. Key: the task id. Status and
/// progress go to <c>task:{id}</c> and <c>workspace:{id}</c>; log lines to <c>task:{id}</c>.
/// Access (who may see or cancel) is checked by the caller against the workspace.
/// </summary>
public interface ITaskGrain : ITaskRunGrain
{
    /// <summary>Admits (per-user limit, workspace role and status) and queues the task.</summary>
    Task<TaskView> CreateAsync(CreateTask command);

    /// <summary>The task; 404 if it does not exist.</summary>
    Task<TaskView> GetAsync();

    /// <summary>Cancels a queued task at once, or stops a running one; 409 once finished.</summary>
    Task<TaskView> CancelAsync(string callerId);

    /// <summary>For the task's own run follower: output lines to store and publish.</summary>
    Task AppendOutputAsync(string runId, IReadOnlyList<TaskLogLine> lines);

    /// <summary>For the task's own run follower: the run ended.</summary>
    Task CompleteRunAsync(string runId, RunReport report);
}

/// <summary>How a run ended, as the task records it.</summary>
public sealed record RunReport(string Outcome, int? ExitCode, string? Error, bool Truncated, DateTimeOffset CompletedAt);

/// <summary>Admission of tasks per user (Tasks:MaxActivePerUser). Key: the user id.</summary>
public interface IUserTaskQuotaGrain : OrleansHub.Runtime.IGrainWithStringKey
{
    /// <summary>Counts the task as active unless the user already has <paramref name="limit"/> active tasks.</summary>
    Task<bool> TryAcquireAsync(string taskId, int limit);

    [OrleansHub.Runtime.OneWay]
    Task ReleaseAsync(string taskId);
}
