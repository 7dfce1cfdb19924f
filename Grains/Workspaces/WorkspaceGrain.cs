using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using Orleans.Runtime;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Workspaces;

/// <summary>
/// A workspace: its settings and members (stored), and its task queue and counts, which it derives from the
/// task rows when it activates and then keeps in memory, re-reading the rows periodically while tasks are
/// queued or running so that a start or a settle lost in an outage cannot hold a slot (docs/tasks.md,
/// "Recovery"). Queueing a task or cancelling a queued one writes nothing here: the task's own write carries
/// the rows and the events (docs/tasks.md, "The queue and admission").
/// </summary>
[GrainType("workspace")]
public sealed partial class WorkspaceGrain(
    [OutboxState("workspace")] IOutboxState<WorkspaceState> state,
    IOptions<TaskQueueOptions> queue,
    IndexQueries index,
    TimeProvider clock,
    ILogger<WorkspaceGrain> logger) : Grain, IWorkspaceGrain
{
    private IGrainTimer? _reconcileTimer;

    private WorkspaceState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A workspace not created yet (or deleted, its tasks cancelled) has no task side to read.
        if (S.Exists)
        {
            await ReconcileAsync(cancellationToken);
        }
    }

    public async Task ReconcileTasksAsync()
    {
        if (S.Exists)
        {
            await ReconcileAsync(CancellationToken.None);
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
        var start = S.Enqueue(task, queue.Value.MaxRunningPerWorkspace, clock.GetUtcNow());
        await StartAllAsync(start); // one-way: each start waits in its task's queue behind the create
        KeepReconciling();
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
        var start = S.Settle(taskId, status, queue.Value.MaxRunningPerWorkspace, clock.GetUtcNow());
        try
        {
            if (!wasQueued && !S.Deleted)
            {
                await state.WriteStateAsync(WorkspaceEvents.Updated(S));
            }
        }
        finally
        {
            // The slot is free whether or not the counts' event could be stored.
            await StartAllAsync(start);
            KeepReconciling();
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var rows = await WorkspaceTaskRows.ReadAsync(index, this.GetPrimaryKeyString(), cancellationToken);
        var start = S.Reconcile(rows, queue.Value.MaxRunningPerWorkspace, clock.GetUtcNow(), queue.Value.StartGrace);
        await StartAllAsync(start);
        KeepReconciling();
    }

    // While tasks are queued or running, a timer re-reads the rows; it keeps the activation alive, since a queue
    // whose workspace went idle would wait for the next call to drain.
    private void KeepReconciling()
    {
        if (S.HasActiveTasks && _reconcileTimer is null)
        {
            _reconcileTimer = this.RegisterGrainTimer(
                ReconcileTickAsync,
                new GrainTimerCreationOptions(queue.Value.ReconcilePeriod, queue.Value.ReconcilePeriod) { KeepAlive = true });
        }
        else if (!S.HasActiveTasks && _reconcileTimer is not null)
        {
            _reconcileTimer.Dispose();
            _reconcileTimer = null;
        }
    }

    private async Task ReconcileTickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileAsync(cancellationToken);
        }
        catch (StorageException exception)
        {
            // The database is away: the next tick tries again.
            LogReconcileFailed(logger, S.Id, exception.Message);
        }
    }

    // One-way: a task reporting back while we start it must not close a call cycle.
    private async Task StartAllAsync(IReadOnlyList<string> taskIds)
    {
        foreach (var taskId in taskIds)
        {
            await GrainFactory.GetGrain<ITaskRunGrain>(taskId).StartAsync(S.Id);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Workspace {WorkspaceId} could not re-read its task rows ({Reason}); it tries again at the next period")]
    private static partial void LogReconcileFailed(ILogger logger, string workspaceId, string reason);
}
