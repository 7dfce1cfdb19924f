using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Workspaces;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Tasks;

/// <summary>
/// One per user: which of the user's tasks are queued or running. Single-threaded, so the limit is exact.
/// Nothing of its own is stored: the activation reads the user's active tasks from the <c>tasks</c> rows
/// (written with each task's state) and keeps the set in memory, so admitting a task costs no write of its
/// own (docs/tasks.md, "The queue and admission"). The memory can only over-count (a release lost in an
/// outage, a task admitted whose create failed), so a refusal is confirmed against the rows first: the rows,
/// plus what was admitted within <see cref="TaskQueueOptions.StartGrace"/> and may still be committing.
/// </summary>
[GrainType("task-quota")]
public sealed class UserTaskQuotaGrain(IndexQueries index, IOptions<TaskQueueOptions> queue, TimeProvider clock) : Grain, IUserTaskQuotaGrain
{
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _admittedAt = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _active.UnionWith(await ReadActiveAsync(cancellationToken));

    public async Task<bool> TryAcquireAsync(string taskId, int limit)
    {
        if (_active.Contains(taskId))
        {
            return true;
        }
        if (_active.Count >= limit)
        {
            await RecountAsync();
            if (_active.Count >= limit)
            {
                return false;
            }
        }
        _active.Add(taskId);
        _admittedAt[taskId] = clock.GetUtcNow();
        return true;
    }

    public Task ReleaseAsync(string taskId)
    {
        _active.Remove(taskId);
        _admittedAt.Remove(taskId);
        return Task.CompletedTask;
    }

    private async Task RecountAsync()
    {
        var rows = await ReadActiveAsync(CancellationToken.None);
        var recent = clock.GetUtcNow() - queue.Value.StartGrace;
        foreach (var old in _admittedAt.Where(a => a.Value <= recent).Select(a => a.Key).ToList())
        {
            _admittedAt.Remove(old);
        }
        _active.Clear();
        _active.UnionWith(rows);
        _active.UnionWith(_admittedAt.Keys);
    }

    private Task<IReadOnlyList<string>> ReadActiveAsync(CancellationToken cancellationToken) =>
        index.ReadAsync(
            new IndexQuery("SELECT id FROM tasks WHERE created_by = $1 AND status IN ($2, $3)",
                this.GetPrimaryKeyString(), TaskStatuses.Queued, TaskStatuses.Running),
            reader => reader.GetString(0), cancellationToken);
}
