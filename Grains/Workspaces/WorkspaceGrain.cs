using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Workspaces;

/// <summary>
/// A workspace: its settings and members (stored), and its task queue and counts, which it derives from the
/// task rows when it activates and then keeps in memory. Queueing a task or cancelling a queued one writes
/// nothing here: the task's own write carries the rows and the events (docs/tasks.md, "The queue and
/// admission").
/// </summary>
[GrainType("workspace")]
public sealed class WorkspaceGrain(
    [OutboxState("workspace")] IOutboxState<WorkspaceState> state,
    IOptions<TaskQueueOptions> queue,
    IndexQueries index,
    TimeProvider clock) : Grain, IWorkspaceGrain
{
    private WorkspaceState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A workspace not created yet (or deleted, its tasks cancelled) has no task side to read.
        if (S.Exists)
        {
            var rows = await WorkspaceTaskRows.ReadAsync(index, this.GetPrimaryKeyString(), cancellationToken);
            await StartAllAsync(S.Restore(rows, queue.Value.MaxRunningPerWorkspace));
        }
    }

    public async Task<WorkspaceView> CreateAsync(CreateWorkspace command)
    {
        S.Create(this.GetPrimaryKeyString(), command, clock.GetUtcNow());
        await state.WriteStateAsync([WorkspaceEvents.Updated(S)], WorkspaceEvents.Rows(S));
        return S.ToView();
    }

    public Task<WorkspaceView> GetAsync(string callerId)
    {
        S.Require(callerId, WorkspaceRoles.Viewer);
        return Task.FromResult(S.ToView());
    }

    public async Task<WorkspaceView> UpdateAsync(string callerId, UpdateWorkspace command)
    {
        S.Update(callerId, command, clock.GetUtcNow());
        await state.WriteStateAsync([WorkspaceEvents.Updated(S)], WorkspaceEvents.Rows(S));
        return S.ToView();
    }

    public async Task DeleteAsync(string callerId)
    {
        var cancelled = S.Delete(callerId, clock.GetUtcNow());
        await state.WriteStateAsync([WorkspaceEvents.Deleted(S)], WorkspaceEvents.Rows(S));
        foreach (var taskId in cancelled)
        {
            await GrainFactory.GetGrain<ITaskRunGrain>(taskId).WorkspaceDeletedAsync();
        }
    }

    public async Task<WorkspaceView> SetMemberAsync(string callerId, string userId, string role)
    {
        S.SetMember(callerId, userId, role, clock.GetUtcNow());
        await state.WriteStateAsync([WorkspaceEvents.Member(S, userId, role), WorkspaceEvents.Updated(S)], WorkspaceEvents.Rows(S));
        return S.ToView();
    }

    public async Task<WorkspaceView> RemoveMemberAsync(string callerId, string userId)
    {
        S.RemoveMember(callerId, userId, clock.GetUtcNow());
        await state.WriteStateAsync([WorkspaceEvents.Member(S, userId, null), WorkspaceEvents.Updated(S)], WorkspaceEvents.Rows(S));
        return S.ToView();
    }

    public Task<string?> GetRoleAsync(string userId) => Task.FromResult(S.RoleOf(userId));

    public async Task<WorkspaceView> EnqueueTaskAsync(QueuedTask task)
    {
        var start = S.Enqueue(task, queue.Value.MaxRunningPerWorkspace);
        await StartAllAsync(start); // one-way: each start waits in its task's queue behind the create
        return S.ToView();
    }

    public async Task TaskSettledAsync(string taskId, string status)
    {
        if (!S.Exists && !S.Deleted)
        {
            throw new NotFoundException("Workspace not found.");
        }
        // A queued task leaving changes no count: nothing to store or tell. Anything else might have (after
        // a re-activation the running set is read from rows that may already show this task settled).
        var wasQueued = S.Queue.Exists(q => q.TaskId == taskId);
        var start = S.Settle(taskId, status, queue.Value.MaxRunningPerWorkspace);
        if (!wasQueued && !S.Deleted)
        {
            await state.WriteStateAsync(WorkspaceEvents.Updated(S));
        }
        await StartAllAsync(start);
    }

    // One-way: a task reporting back while we start it must not close a call cycle.
    private async Task StartAllAsync(IReadOnlyList<string> taskIds)
    {
        foreach (var taskId in taskIds)
        {
            await GrainFactory.GetGrain<ITaskRunGrain>(taskId).StartAsync(S.Id);
        }
    }
}
