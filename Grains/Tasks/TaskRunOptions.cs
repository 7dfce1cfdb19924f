using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Grains.Tasks;

/// <summary>How tasks run, bound from the "Tasks" configuration section.</summary>
public sealed class TaskRunOptions
{
    public const string Section = "Tasks";

    /// <summary>Timeout of a task that names none. Default 300 s.</summary>
    [Range(1, 86_400)]
    public int DefaultTimeoutSeconds { get; set; } = 300;

    /// <summary>Largest timeout a task may ask for. Default 3,600 s.</summary>
    [Range(1, 86_400)]
    public int MaxTimeoutSeconds { get; set; } = 3_600;

    /// <summary>Log lines kept per task; past it one marker line says the rest was dropped. Default 5,000
    /// (below the stream retention count, so retention never trims a task's log).</summary>
    [Range(1, 1_000_000)]
    public int MaxLogLines { get; set; } = 5_000;

    /// <summary>How often a running task checks that its run is still followed (reminder). Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan WatchdogPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The durable timeout fires this long after the task's own timeout, if the run was not settled by then.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TimeoutGrace { get; set; } = TimeSpan.FromSeconds(30);
}
