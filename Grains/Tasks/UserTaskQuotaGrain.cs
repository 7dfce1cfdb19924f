using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Tasks;

/// <summary>
/// One per user: which of the user's tasks are queued or running. Single-threaded, so the limit is exact.
/// Nothing of its own is stored: the activation reads the user's active tasks from the <c>tasks</c> rows
/// (written with each task's state) and keeps the set in memory, so admitting a task costs no write of its
/// own (docs/tasks.md, "The queue and admission"). A task admitted but never written (its create failed) is
/// forgotten when the activation next starts.
/// </summary>
[GrainType("task-quota")]
public sealed class UserTaskQuotaGrain(IndexQueries index) : Grain, IUserTaskQuotaGrain
{
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var active = await index.ReadAsync(
            new IndexQuery("SELECT id FROM tasks WHERE created_by = $1 AND status IN ($2, $3)",
                this.GetPrimaryKeyString(), TaskStatuses.Queued, TaskStatuses.Running),
            reader => reader.GetString(0), cancellationToken);
        _active.UnionWith(active);
    }

    public Task<bool> TryAcquireAsync(string taskId, int limit)
    {
        if (_active.Contains(taskId))
        {
            return Task.FromResult(true);
        }
        if (_active.Count >= limit)
        {
            return Task.FromResult(false);
        }
        _active.Add(taskId);
        return Task.FromResult(true);
    }

    public Task ReleaseAsync(string taskId)
    {
        _active.Remove(taskId);
        return Task.CompletedTask;
    }
}
