using Orleans.Concurrency;
namespace OrleansHub.Grains.Interfaces.Tasks;

/// <summary>The part of a task grain its workspace's queue talks to.</summary>
[Alias("OrleansHub.ITaskRunGrain")]
public interface ITaskRunGrain : IGrainWithStringKey
{
    /// <summary>The workspace gave this task a slot: start running it (idempotent).</summary>
    [OneWay]
    [Alias("StartAsync")]
    Task StartAsync(string workspaceId);

    /// <summary>The workspace was deleted: cancel this task, queued or running.</summary>
    [OneWay]
    [Alias("WorkspaceDeletedAsync")]
    Task WorkspaceDeletedAsync();
}

/// <summary>Task priorities, highest first.</summary>
public static class TaskPriorities
{
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    public static bool IsValid(string? priority) => priority is High or Medium or Low;

    public static int Rank(string priority) => priority switch
    {
        High => 0,
        Medium => 1,
        _ => 2,
    };
}

public static class TaskStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string TimedOut = "timed_out";

    public static bool IsFinal(string status) => status is Succeeded or Failed or Cancelled or TimedOut;
}
