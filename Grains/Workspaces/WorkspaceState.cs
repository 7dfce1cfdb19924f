using System.Collections.Immutable;
using System.Text.Json.Serialization;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;

namespace OrleansHub.Grains.Workspaces;

/// <summary>
/// A workspace's stored state and its rules. Pure: every method checks, changes and returns; the grain
/// loads, applies and writes. Mutable only because it is the JSON state of the grain.
/// </summary>
public sealed class WorkspaceState
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string OwnerId { get; set; } = "";
    public string Status { get; set; } = WorkspaceStatuses.Active;
    public List<string> Tags { get; set; } = [];
    public Dictionary<string, string> Metadata { get; set; } = [];

    /// <summary>user id → viewer | editor (the owner is not listed).</summary>
    public Dictionary<string, string> Members { get; set; } = [];

    // The task side is not stored here: the grain derives it from the task rows when it activates
    // (Restore; docs/tasks.md, "The queue and admission"), and keeps it in memory.
    [JsonIgnore]
    public int TotalTasks { get; private set; }

    [JsonIgnore]
    public int SucceededTasks { get; private set; }

    [JsonIgnore]
    public int FailedTasks { get; private set; }

    [JsonIgnore]
    public List<QueuedTask> Queue { get; } = [];

    [JsonIgnore]
    public List<string> Running { get; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Deleted { get; set; }

    public bool Exists => CreatedAt != default && !Deleted;

    public string? RoleOf(string userId) =>
        !Exists ? null : userId == OwnerId ? WorkspaceRoles.Owner : Members.GetValueOrDefault(userId);

    public void Create(string id, CreateWorkspace command, DateTimeOffset now)
    {
        if (CreatedAt != default)
        {
            throw new ConflictException("A workspace with this id already exists.");
        }
        WorkspaceValidation.Validate(command.Name, command.Description, command.Tags, command.Metadata);
        Id = id;
        OwnerId = command.OwnerId;
        Name = command.Name.Trim();
        Description = command.Description;
        Tags = [.. command.Tags];
        Metadata = new Dictionary<string, string>(command.Metadata);
        CreatedAt = UpdatedAt = now;
    }

    public void Update(string callerId, UpdateWorkspace command, DateTimeOffset now)
    {
        Require(callerId, WorkspaceRoles.Editor);
        WorkspaceValidation.Validate(command.Name ?? Name, command.Description, command.Tags, command.Metadata);
        if (command.Status is not null && command.Status is not (WorkspaceStatuses.Active or WorkspaceStatuses.Archived))
        {
            throw new ValidationException("status", "Must be 'active' or 'archived'.");
        }
        Name = command.Name?.Trim() ?? Name;
        Description = command.Description ?? Description;
        Tags = command.Tags is { } tags ? [.. tags] : Tags;
        Metadata = command.Metadata is { } metadata ? new Dictionary<string, string>(metadata) : Metadata;
        Status = command.Status ?? Status;
        UpdatedAt = now;
    }

    /// <summary>Marks the workspace deleted and returns its queued and running tasks, which must be cancelled.</summary>
    public IReadOnlyList<string> Delete(string callerId, DateTimeOffset now)
    {
        Require(callerId, WorkspaceRoles.Owner);
        var cancelled = Queue.Select(q => q.TaskId).Concat(Running).ToList();
        Queue.Clear();
        Running.Clear();
        Deleted = true;
        UpdatedAt = now;
        return cancelled;
    }

    public void SetMember(string callerId, string userId, string role, DateTimeOffset now)
    {
        Require(callerId, WorkspaceRoles.Owner);
        if (!WorkspaceRoles.IsMemberRole(role))
        {
            throw new ValidationException("role", "Must be 'viewer' or 'editor'.");
        }
        if (userId == OwnerId)
        {
            throw new ConflictException("The owner is not a member; the owner's role cannot change.");
        }
        Members[userId] = role;
        UpdatedAt = now;
    }

    public void RemoveMember(string callerId, string userId, DateTimeOffset now)
    {
        Require(callerId, WorkspaceRoles.Owner);
        if (!Members.Remove(userId))
        {
            throw new NotFoundException("No such member.");
        }
        UpdatedAt = now;
    }

    /// <summary>Queues a task, then returns the tasks that may start now (at most <paramref name="maxRunning"/> run).</summary>
    /// <summary>
    /// Sets the task side from the workspace's task rows: the ones queued or running (oldest first) and the
    /// counts. Returns what may start now (a task given a slot whose start was never stored is queued again).
    /// </summary>
    public IReadOnlyList<string> Restore(WorkspaceTaskRows rows, int maxRunning)
    {
        TotalTasks = rows.Total;
        SucceededTasks = rows.Succeeded;
        FailedTasks = rows.Failed;
        Queue.Clear();
        Running.Clear();
        foreach (var task in rows.Active)
        {
            if (task.Status == TaskStatuses.Running)
            {
                Running.Add(task.Task.TaskId);
            }
            else
            {
                Queue.Add(task.Task);
            }
        }
        return Deleted ? [] : TakeStartable(maxRunning);
    }

    public IReadOnlyList<string> Enqueue(QueuedTask task, int maxRunning)
    {
        Require(task.CreatedBy, WorkspaceRoles.Editor);
        if (Status != WorkspaceStatuses.Active)
        {
            throw new ConflictException("The workspace is archived; tasks cannot be created in it.");
        }
        if (Queue.Any(q => q.TaskId == task.TaskId) || Running.Contains(task.TaskId))
        {
            return []; // a retried enqueue of a task already known
        }
        TotalTasks++;
        Queue.Add(task);
        return TakeStartable(maxRunning);
    }

    /// <summary>Records a task's final status or its leaving the queue; returns the tasks that may start now.</summary>
    public IReadOnlyList<string> Settle(string taskId, string status, int maxRunning)
    {
        var wasRunning = Running.Remove(taskId);
        var wasQueued = Queue.RemoveAll(q => q.TaskId == taskId) > 0;
        if (wasRunning || wasQueued)
        {
            if (status == TaskStatuses.Succeeded)
            {
                SucceededTasks++;
            }
            else if (status is TaskStatuses.Failed or TaskStatuses.TimedOut)
            {
                FailedTasks++;
            }
        }
        return Deleted ? [] : TakeStartable(maxRunning);
    }

    // Highest priority first, first come first served within a priority.
    private List<string> TakeStartable(int maxRunning)
    {
        var started = new List<string>();
        while (Running.Count < maxRunning && Queue.Count > 0)
        {
            var next = Queue.OrderBy(q => TaskPriorities.Rank(q.Priority)).First();
            Queue.Remove(next);
            Running.Add(next.TaskId);
            started.Add(next.TaskId);
        }
        return started;
    }

    /// <summary>404 for a non-member (no existence leak), 403 for a member whose role is too low.</summary>
    public string Require(string userId, string atLeast)
    {
        var role = RoleOf(userId) ?? throw new NotFoundException("Workspace not found.");
        if (WorkspaceRoles.Rank(role) < WorkspaceRoles.Rank(atLeast))
        {
            throw new ForbiddenException($"This needs the {atLeast} role in the workspace.");
        }
        return role;
    }

    public WorkspaceView ToView() => new(
        Id,
        Name,
        Description,
        OwnerId,
        Status,
        [.. Tags],
        Metadata.ToImmutableDictionary(),
        [.. Members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new WorkspaceMember(m.Key, m.Value))],
        new WorkspaceStats(TotalTasks, Running.Count, SucceededTasks, FailedTasks),
        CreatedAt,
        UpdatedAt);
}
