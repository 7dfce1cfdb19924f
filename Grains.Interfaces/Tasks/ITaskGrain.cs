using Orleans.Concurrency;
namespace OrleansHub.Grains.Interfaces.Tasks;

/// <summary>
/// One task: its state machine (queued → running → succeeded | failed | cancelled | timed_out, and
/// queued → cancelled), its run in the sandbox, its logs and progress. Key: the task id. Status and
/// progress go to <c>task:{id}</c> and <c>workspace:{id}</c>; log lines to <c>task:{id}</c>.
/// Access (who may see or cancel) is checked by the caller against the workspace.
/// </summary>
[Alias("OrleansHub.ITaskGrain")]
public interface ITaskGrain : ITaskRunGrain
{
    /// <summary>Admits (per-user limit, workspace role and status) and queues the task.</summary>
    [Alias("CreateAsync")]
    Task<TaskView> CreateAsync(CreateTask command);

    /// <summary>The task; 404 if it does not exist.</summary>
    [Alias("GetAsync")]
    Task<TaskView> GetAsync();

    /// <summary>Cancels a queued task at once, or stops a running one; 409 once finished.</summary>
    [Alias("CancelAsync")]
    Task<TaskView> CancelAsync(string callerId);

    /// <summary>For the task's own run follower: output lines to store and publish.</summary>
    [Alias("AppendOutputAsync")]
    Task AppendOutputAsync(string runId, IReadOnlyList<TaskLogLine> lines);

    /// <summary>For the task's own run follower: the run ended.</summary>
    [Alias("CompleteRunAsync")]
    Task CompleteRunAsync(string runId, RunReport report);
}

/// <summary>How a run ended, as the task records it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.RunReport")]
public sealed record RunReport([property: Id(0)] string Outcome, [property: Id(1)] int? ExitCode, [property: Id(2)] string? Error, [property: Id(3)] bool Truncated, [property: Id(4)] DateTimeOffset CompletedAt);

/// <summary>Admission of tasks per user (Tasks:MaxActivePerUser). Key: the user id.</summary>
[Alias("OrleansHub.IUserTaskQuotaGrain")]
public interface IUserTaskQuotaGrain : IGrainWithStringKey
{
    /// <summary>Counts the task as active unless the user already has <paramref name="limit"/> active tasks.</summary>
    [Alias("TryAcquireAsync")]
    Task<bool> TryAcquireAsync(string taskId, int limit);

    [OneWay]
    [Alias("ReleaseAsync")]
    Task ReleaseAsync(string taskId);
}
