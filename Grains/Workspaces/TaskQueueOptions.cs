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

    /// <summary>
    /// While a workspace has queued or running tasks it re-reads their rows this often and corrects its slots
    /// (a start or a settle lost in a database outage). Default 15 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReconcilePeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a workspace trusts a change its rows cannot show yet (a task queued whose create is committing,
    /// a slot given whose start is on its way) before the rows win. Default 30 s, Orleans' call timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StartGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A queued task's durable reminder (written with the task) asks its workspace to reconcile this often, so
    /// a queue whose workspace activation was lost (its silo killed) still drains. Default 1 minute, at least
    /// <c>Reminders:MinimumReminderPeriod</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan QueueCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
