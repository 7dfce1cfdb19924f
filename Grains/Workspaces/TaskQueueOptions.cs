using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Grains.Workspaces;

/// <summary>Task admission and queueing, bound from the "Tasks" configuration section.</summary>
public sealed class TaskQueueOptions
{
    public const string Section = "Tasks";

    /// <summary>Tasks of one workspace that run at once; the rest wait in priority order. Default 2.</summary>
    [Range(1, 1000)]
    public int MaxRunningPerWorkspace { get; set; } = 2;

    /// <summary>Queued plus running tasks one user may have across all workspaces; more is a 409. Default 10.</summary>
    [Range(1, 10_000)]
    public int MaxActivePerUser { get; set; } = 10;
}
