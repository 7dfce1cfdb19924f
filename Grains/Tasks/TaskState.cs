using System.Collections.Immutable;
using System.Globalization;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;

namespace OrleansHub.Grains.Tasks;

/// <summary>A task's stored state and its state machine (pure; the grain loads, applies, writes).</summary>
public sealed class TaskState
{
    public string Id { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public List<string> Command { get; set; } = [];
    public string? Image { get; set; }
    public Dictionary<string, string> Environment { get; set; } = [];
    public int TimeoutSeconds { get; set; }
    public string Priority { get; set; } = TaskPriorities.Medium;
    public string Status { get; set; } = TaskStatuses.Queued;
    public int? ExitCode { get; set; }
    public string? Error { get; set; }
    public long ProgressCurrent { get; set; }
    public long ProgressTotal { get; set; }
    public string? ProgressMessage { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public bool CancelRequested { get; set; }
    public int LogLines { get; set; }
    public bool LogTruncated { get; set; }

    public bool Exists => CreatedAt != default;

    public bool IsFinal => TaskStatuses.IsFinal(Status);

    /// <summary>The executor's run id: the task id (one run per task).</summary>
    public string RunId => Id;

    public void Create(string id, CreateTask command, TaskRunOptions options, DateTimeOffset now)
    {
        if (Exists)
        {
            throw new ConflictException("A task with this id already exists.");
        }
        TaskValidation.Validate(command, options);
        Id = id;
        WorkspaceId = command.WorkspaceId;
        Command = [.. command.Command];
        Image = command.Image;
        Environment = new Dictionary<string, string>(command.Environment);
        TimeoutSeconds = command.TimeoutSeconds ?? options.DefaultTimeoutSeconds;
        Priority = command.Priority;
        CreatedBy = command.CreatedBy;
        CreatedAt = now;
    }

    /// <summary>queued → running; false when the task is not queued (already started, or cancelled).</summary>
    public bool Start(DateTimeOffset now)
    {
        if (Status != TaskStatuses.Queued)
        {
            return false;
        }
        Status = TaskStatuses.Running;
        StartedAt = now;
        return true;
    }

    /// <summary>A queued task is cancelled at once; a running one is asked to stop (its run decides when).</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (IsFinal)
        {
            throw new ConflictException($"The task already finished ({Status}).");
        }
        if (Status == TaskStatuses.Queued)
        {
            Status = TaskStatuses.Cancelled;
            CompletedAt = now;
            return;
        }
        CancelRequested = true;
    }

    /// <summary>
    /// running → the run's outcome; false when the task is not running (a late or repeated report). Once a
    /// cancel was accepted (202) the task ends <c>cancelled</c> whatever the run did meanwhile (it may have
    /// exited 0 before the kill reached it): the caller was told it is being cancelled. The exit code stays.
    /// </summary>
    public bool Finish(RunReport report)
    {
        if (Status != TaskStatuses.Running)
        {
            return false;
        }
        Status = report.Outcome switch
        {
            _ when CancelRequested => TaskStatuses.Cancelled,
            TaskStatuses.Succeeded => TaskStatuses.Succeeded,
            TaskStatuses.TimedOut => TaskStatuses.TimedOut,
            TaskStatuses.Cancelled => TaskStatuses.Cancelled,
            _ => TaskStatuses.Failed,
        };
        ExitCode = report.ExitCode;
        Error = Status == TaskStatuses.Succeeded ? null : report.Error;
        CompletedAt = report.CompletedAt;
        return true;
    }

    /// <summary>
    /// Takes a batch of output: "##progress current/total [message]" lines update the progress, and
    /// returns the lines to store, up to <paramref name="maxLines"/> in all, then one truncation marker.
    /// </summary>
    public (IReadOnlyList<TaskLogLine> Stored, bool ProgressChanged) AcceptOutput(IReadOnlyList<TaskLogLine> lines, int maxLines)
    {
        var stored = new List<TaskLogLine>();
        var progressChanged = false;
        foreach (var line in lines)
        {
            progressChanged |= line.Stream == "stdout" && TryApplyProgress(line.Line);
            if (LogTruncated)
            {
                continue;
            }
            if (LogLines >= maxLines)
            {
                LogTruncated = true;
                stored.Add(new TaskLogLine("stderr", $"[log truncated: only the first {maxLines} lines are kept]"));
                continue;
            }
            LogLines++;
            stored.Add(line);
        }
        return (stored, progressChanged);
    }

    private bool TryApplyProgress(string line)
    {
        const string Prefix = "##progress ";
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = line[Prefix.Length..].Trim();
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var fraction = space < 0 ? rest : rest[..space];
        var slash = fraction.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !long.TryParse(fraction[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var current)
            || !long.TryParse(fraction[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            || total <= 0 || current > total)
        {
            return false;
        }
        ProgressCurrent = current;
        ProgressTotal = total;
        ProgressMessage = space < 0 ? null : rest[(space + 1)..].Trim() is { Length: > 0 } message ? message[..Math.Min(message.Length, 200)] : null;
        return true;
    }

    public TaskProgress Progress => ProgressTotal == 0
        ? new TaskProgress(ProgressCurrent, ProgressTotal, 0, ProgressMessage)
        : new TaskProgress(ProgressCurrent, ProgressTotal, Math.Round(100.0 * ProgressCurrent / ProgressTotal, 1), ProgressMessage);

    public TaskView ToView() => new(
        Id, WorkspaceId, "command", [.. Command], Image, Status, ExitCode, Error, Progress, Priority, TimeoutSeconds,
        CreatedBy, CreatedAt, StartedAt, CompletedAt);
}
