using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OrleansHub.Execution;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Workspaces;
using OrleansHub.Runtime;

namespace OrleansHub.Grains.Tasks;

/// <summary>
/// A task: admits and queues itself, runs when its workspace gives it a slot, records output and the
/// outcome. A run it lost (silo restart) is re-attached when the executor can, else failed as interrupted
/// (docs/tasks.md).
/// </summary>
[GrainType("task")]
public sealed partial class TaskGrain(
    [PersistentState("task")] IPersistentState<TaskState> state,
    ITaskExecutor executor,
    IOptions<TaskRunOptions> options,
    IOptions<TaskQueueOptions> queue,
    TimeProvider clock) : Grain, ITaskGrain, IRemindable
{
    private IRunHandle? _run;

    private TaskState S => state.State;

    private ITaskGrain Self => GrainFactory.GetGrain<ITaskGrain>(GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Status == TaskStatuses.Running)
        {
            try
            {
                await RecoverRunAsync(); // this activation never started the run: find it or settle it
            }
            catch (TaskExecutorUnavailableException)
            {
                // The engine is down: the task stays readable, and the watchdog reminder tries again.
            }
        }
    }

    public async Task<TaskView> CreateAsync(CreateTask command)
    {
        S.Create(GetPrimaryKeyString(), command, options.Value, clock.GetUtcNow());
        var quota = GrainFactory.GetGrain<IUserTaskQuotaGrain>(command.CreatedBy);
        if (!await quota.TryAcquireAsync(S.Id, queue.Value.MaxActivePerUser))
        {
            DeactivateOnIdle(); // forget the unsaved state
            throw new ConflictException($"You already have {queue.Value.MaxActivePerUser} queued or running tasks; wait for one to finish.");
        }
        WorkspaceView workspace;
        try
        {
            workspace = await GrainFactory.GetGrain<IWorkspaceGrain>(command.WorkspaceId)
                .EnqueueTaskAsync(new QueuedTask(S.Id, S.Priority, S.CreatedBy));
        }
        catch
        {
            await quota.ReleaseAsync(S.Id);
            DeactivateOnIdle();
            throw;
        }
        // One commit for both: the task's row (from which the workspace derives its queue) and its events,
        // with the workspace's new counts (the workspace stores nothing for a queued task).
        await state.WriteStateAsync([WorkspaceEvents.Updated(workspace), .. TaskEvents.Status(S)], TaskEvents.Row(S));
        return S.ToView();
    }

    public Task<TaskView> GetAsync() =>
        S.Exists ? Task.FromResult(S.ToView()) : throw new NotFoundException("Task not found.");

    public async Task StartAsync(string workspaceId)
    {
        if (!S.Exists)
        {
            // Queued but never saved (the create failed after enqueueing): give the slot back.
            await GrainFactory.GetGrain<IWorkspaceGrain>(workspaceId).TaskSettledAsync(GetPrimaryKeyString(), TaskStatuses.Cancelled);
            return;
        }
        if (S.IsFinal)
        {
            await SettleAsync(S.Status); // cancelled while queued: the slot goes back
            return;
        }
        if (!S.Start(clock.GetUtcNow()))
        {
            return;
        }
        await state.WriteStateAsync(TaskEvents.Status(S), TaskEvents.Row(S));
        var timeout = TimeSpan.FromSeconds(S.TimeoutSeconds);
        DelayDeactivation(timeout + options.Value.TimeoutGrace);
        await RegisterOrUpdateReminder(Reminders.Watchdog, options.Value.WatchdogPeriod, options.Value.WatchdogPeriod);
        await RegisterOrUpdateReminder(Reminders.Timeout, timeout + options.Value.TimeoutGrace, options.Value.WatchdogPeriod);
        try
        {
            Follow(await executor.StartAsync(
                new RunSpec
                {
                    RunId = S.RunId,
                    Command = [.. S.Command],
                    Image = S.Image,
                    Environment = S.Environment.ToImmutableDictionary(),
                    Timeout = timeout,
                },
                CancellationToken.None));
        }
        catch (ArgumentException exception)
        {
            await FinishAsync(new RunReport(TaskStatuses.Failed, null, $"The command cannot run: {exception.Message}", false, clock.GetUtcNow()));
        }
    }

    public async Task<TaskView> CancelAsync(string callerId)
    {
        if (!S.Exists)
        {
            throw new NotFoundException("Task not found.");
        }
        await CancelCoreAsync();
        return S.ToView();
    }

    public async Task WorkspaceDeletedAsync()
    {
        if (S.Exists && !S.IsFinal)
        {
            await CancelCoreAsync();
        }
    }

    private async Task CancelCoreAsync()
    {
        var wasQueued = S.Status == TaskStatuses.Queued;
        S.Cancel(clock.GetUtcNow());
        await state.WriteStateAsync(TaskEvents.Status(S), TaskEvents.Row(S));
        if (wasQueued)
        {
            await SettleAsync(S.Status);
        }
        else if (_run is not null)
        {
            _run.Cancel(); // the follower reports the cancelled outcome
        }
        else
        {
            try
            {
                await executor.ReapAsync(S.RunId, CancellationToken.None);
            }
            catch (TaskExecutorUnavailableException)
            {
                // Cancel stays requested (stored above); the watchdog reaps the run once the engine is back.
                throw new UnavailableException("The task sandbox is unavailable; the cancel is recorded and will be applied.");
            }
            await FinishAsync(new RunReport(TaskStatuses.Cancelled, null, "Cancelled.", false, clock.GetUtcNow()));
        }
    }

    public async Task AppendOutputAsync(string runId, IReadOnlyList<TaskLogLine> lines)
    {
        if (runId != S.RunId || S.Status != TaskStatuses.Running)
        {
            return;
        }
        var (stored, progressChanged) = S.AcceptOutput(lines, options.Value.MaxLogLines);
        if (stored.Count == 0 && !progressChanged)
        {
            return;
        }
        await state.WriteStateAsync([.. TaskEvents.Logs(S, stored), .. progressChanged ? TaskEvents.Progress(S) : []]);
    }

    public async Task CompleteRunAsync(string runId, RunReport report)
    {
        if (runId == S.RunId)
        {
            _run = null;
            await FinishAsync(report);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Status != TaskStatuses.Running)
        {
            await UnregisterAllAsync();
        }
        else if (reminderName == Reminders.Timeout)
        {
            // The executor enforces the timeout itself; this fires only if nobody settled the run in time.
            _run?.Cancel();
            _run = null;
            await executor.ReapAsync(S.RunId, CancellationToken.None);
            await FinishAsync(new RunReport(TaskStatuses.TimedOut, null, $"Timed out after {S.TimeoutSeconds} s.", false, clock.GetUtcNow()));
        }
        else if (_run is null)
        {
            await RecoverRunAsync();
        }
    }

    // A running task whose run this activation does not follow: re-attach (Docker can), else it was interrupted.
    private async Task RecoverRunAsync()
    {
        var reattached = await executor.ReattachAsync(S.RunId, CancellationToken.None);
        if (reattached is not null)
        {
            DelayDeactivation(TimeSpan.FromSeconds(S.TimeoutSeconds) + options.Value.TimeoutGrace);
            Follow(reattached);
            return;
        }
        await executor.ReapAsync(S.RunId, CancellationToken.None);
        await FinishAsync(new RunReport(
            TaskStatuses.Failed, null, "interrupted: the silo running this task stopped and its run could not be re-attached", false, clock.GetUtcNow()));
    }

    private void Follow(IRunHandle run)
    {
        _run = run;
        var self = Self;
        // Off the activation's scheduler: the follower reports back through calls, one turn each.
        _ = Task.Run(() => RunFollower.FollowAsync(run, self));
    }

    private async Task FinishAsync(RunReport report)
    {
        if (!S.Finish(report))
        {
            return;
        }
        await state.WriteStateAsync(TaskEvents.Status(S), TaskEvents.Row(S));
        await UnregisterAllAsync();
        await SettleAsync(S.Status);
    }

    // The task is final: give its slots back, and let its activation go when this turn ends rather than after
    // the collection age (finished tasks pile up otherwise; a later read loads the task from storage again).
    private async Task SettleAsync(string status)
    {
        await GrainFactory.GetGrain<IUserTaskQuotaGrain>(S.CreatedBy).ReleaseAsync(S.Id);
        await GrainFactory.GetGrain<IWorkspaceGrain>(S.WorkspaceId).TaskSettledAsync(S.Id, status);
        DeactivateOnIdle();
    }

    private async Task UnregisterAllAsync()
    {
        foreach (var name in new[] { Reminders.Watchdog, Reminders.Timeout })
        {
            if (await GetReminder(name) is { } reminder)
            {
                await UnregisterReminder(reminder);
            }
        }
    }

    private static class Reminders
    {
        public const string Watchdog = "watchdog";
        public const string Timeout = "timeout";
    }
}
