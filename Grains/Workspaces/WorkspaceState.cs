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
    // (Reconcile; docs/tasks.md, "The queue and admission"), and keeps it in memory.
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

    // When this activation last queued a task or gave it a slot: such a change reaches the rows only when the
    // task's own write commits, so Reconcile keeps it for a grace period rather than undo it.
    private readonly Dictionary<string, DateTimeOffset> _changedAt = new(StringComparer.Ordinal);
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
        _changedAt.Clear();
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

    /// <summary>
    /// Sets the task side from the workspace's task rows (the durable truth): the tasks queued or running
    /// (oldest first) and the counts. What this activation knows and the rows do not show yet is kept for
    /// <paramref name="grace"/>: a task queued whose create is still committing, a slot given whose start is
    /// still on its way. Past that, the rows win: a slot whose start never committed is given again, and a
    /// task that settled without telling the workspace (its message lost in a database outage) frees its slot.
    /// Returns what may start now. At activation, with nothing in memory, this is a plain restore.
    /// </summary>
    public IReadOnlyList<string> Reconcile(WorkspaceTaskRows rows, int maxRunning, DateTimeOffset now, TimeSpan grace)
    {
        bool Recent(string taskId) => _changedAt.TryGetValue(taskId, out var at) && at > now - grace;
        var inRows = rows.Active.ToDictionary(r => r.Task.TaskId, r => r.Status, StringComparer.Ordinal);
        var running = rows.Active.Where(r => r.Status == TaskStatuses.Running).Select(r => r.Task.TaskId)
            .Concat(Running.Where(t => inRows.GetValueOrDefault(t) != TaskStatuses.Running && Recent(t)))
            .ToList();
        var queue = rows.Active.Where(r => r.Status == TaskStatuses.Queued && !running.Contains(r.Task.TaskId)).Select(r => r.Task)
            .Concat(Queue.Where(q => !inRows.ContainsKey(q.TaskId) && Recent(q.TaskId)))
            .ToList();

        TotalTasks = rows.Total + running.Concat(queue.Select(q => q.TaskId)).Count(t => !inRows.ContainsKey(t));
        SucceededTasks = rows.Succeeded;
        FailedTasks = rows.Failed;
        Running.Clear();
        Running.AddRange(running);
        Queue.Clear();
        Queue.AddRange(queue);
        foreach (var stale in _changedAt.Where(c => c.Value <= now - grace).Select(c => c.Key).ToList())
        {
            _changedAt.Remove(stale);
        }
        return Deleted ? [] : TakeStartable(maxRunning, now);
    }

    /// <summary>Queues a task, then returns the tasks that may start now (at most <paramref name="maxRunning"/> run).</summary>
    public IReadOnlyList<string> Enqueue(QueuedTask task, int maxRunning, DateTimeOffset now)
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
        _changedAt[task.TaskId] = now;
        return TakeStartable(maxRunning, now);
    }

    /// <summary>Records a task's final status or its leaving the queue; returns the tasks that may start now.</summary>
    public IReadOnlyList<string> Settle(string taskId, string status, int maxRunning, DateTimeOffset now)
    {
        var wasRunning = Running.Remove(taskId);
        var wasQueued = Queue.RemoveAll(q => q.TaskId == taskId) > 0;
        _changedAt.Remove(taskId);
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
        return Deleted ? [] : TakeStartable(maxRunning, now);
    }

    /// <summary>True while tasks are queued or running: the grain then reconciles with the rows periodically.</summary>
    public bool HasActiveTasks => Queue.Count > 0 || Running.Count > 0;

    // Highest priority first, first come first served within a priority.
    private List<string> TakeStartable(int maxRunning, DateTimeOffset now)
    {
        var started = new List<string>();
        while (Running.Count < maxRunning && Queue.Count > 0)
        {
            var next = Queue.OrderBy(q => TaskPriorities.Rank(q.Priority)).First();
            Queue.Remove(next);
            Running.Add(next.TaskId);
            started.Add(next.TaskId);
            _changedAt[next.TaskId] = now;
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
