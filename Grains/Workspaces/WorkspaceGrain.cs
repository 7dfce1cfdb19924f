using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Runtime;

namespace OrleansHub.Grains.Workspaces;

[GrainType("workspace")]
public sealed class WorkspaceGrain(
    [PersistentState("workspace")] IPersistentState<WorkspaceState> state,
    IOptions<TaskQueueOptions> queue,
    TimeProvider clock) : Grain, IWorkspaceGrain
{
    private WorkspaceState S => state.State;

    public async Task<WorkspaceView> CreateAsync(CreateWorkspace command)
    {
        S.Create(GetPrimaryKeyString(), command, clock.GetUtcNow());
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

    public async Task EnqueueTaskAsync(QueuedTask task)
    {
        var start = S.Enqueue(task, queue.Value.MaxRunningPerWorkspace);
        await state.WriteStateAsync(WorkspaceEvents.Updated(S));
        await StartAllAsync(start);
    }

    public async Task TaskSettledAsync(string taskId, string status)
    {
        if (!S.Exists && !S.Deleted)
        {
            throw new NotFoundException("Workspace not found.");
        }
        var start = S.Settle(taskId, status, queue.Value.MaxRunningPerWorkspace);
        await state.WriteStateAsync(S.Deleted ? [] : [WorkspaceEvents.Updated(S)]);
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
