using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Execution;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Workspaces;
using Orleans.Runtime;
using OrleansHub.Outbox.Reminders;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Tasks;

/// <summary>
/// A task: admits and queues itself, runs when its workspace gives it a slot, records output and the
/// outcome. A run it lost (silo restart) is re-attached when the executor can, else failed as interrupted
/// (docs/tasks.md). Its reminders are rows of its own writes (<see cref="ReminderRows"/>), so none of them
/// can be missing when the status that needs it is stored: while queued, one that asks the workspace to
/// re-read its queue; while running, the watchdog and the timeout (docs/tasks.md, "Recovery").
/// </summary>
[GrainType("task")]
public sealed partial class TaskGrain(
    [OutboxState("task")] IOutboxState<TaskState> state,
    ITaskExecutor executor,
    IOptions<TaskRunOptions> options,
    IOptions<TaskQueueOptions> queue,
    ReminderRows reminderRows,
    TimeProvider clock,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain, IRemindable
{
    private IRunHandle? _run;

    // The watchdog, when this activation registered it through Orleans (so the local reminder service has it).
    private IGrainReminder? _watchdog;

    private TaskState S => state.State;

    private ITaskGrain Self => GrainFactory.GetGrain<ITaskGrain>(this.GetPrimaryKeyString());

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
        // Nothing is stored that could never run: without a sandbox on this node the caller gets a 503.
        if (await executor.WhyUnavailableAsync(CancellationToken.None) is { } unavailable)
        {
            DeactivateOnIdle();
            throw new SandboxUnavailableException(unavailable);
        }
        S.Create(this.GetPrimaryKeyString(), command, options.Value, clock.GetUtcNow());
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
        // One commit for all: the task's row (from which the workspace derives its queue) and its events, with
        // the workspace's new counts (the workspace stores nothing for a queued task), and the queue check.
        var queueCheck = queue.Value.QueueCheckPeriod;
        await state.WriteStateAsync(
            [WorkspaceEvents.Updated(workspace), .. TaskEvents.Status(S)],
            [.. TaskEvents.Row(S), reminderRows.Register(this.GetGrainId(), Reminders.QueueCheck, queueCheck, queueCheck)]);
        return S.ToView();
    }

    public Task<TaskView> GetAsync() =>
        S.Exists ? Task.FromResult(S.ToView()) : throw new NotFoundException("Task not found.");

    public async Task StartAsync(string workspaceId)
    {
        if (!S.Exists)
        {
            // Queued but never saved (the create failed after enqueueing): give the slot back.
            await GrainFactory.GetGrain<IWorkspaceGrain>(workspaceId).TaskSettledAsync(this.GetPrimaryKeyString(), TaskStatuses.Cancelled);
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
        // The watchdog and the timeout commit with "running": a silo killed right after this write still has
        // a reminder that settles the task.
        var timeout = TimeSpan.FromSeconds(S.TimeoutSeconds);
        var watchdog = options.Value.WatchdogPeriod;
        await state.WriteStateAsync(TaskEvents.Status(S),
        [
            .. TaskEvents.Row(S),
            reminderRows.Unregister(this.GetGrainId(), Reminders.QueueCheck),
            reminderRows.Register(this.GetGrainId(), Reminders.Watchdog, watchdog, watchdog),
            reminderRows.Register(this.GetGrainId(), Reminders.Timeout, timeout + options.Value.TimeoutGrace, watchdog),
        ]);
        DelayDeactivation(timeout + options.Value.TimeoutGrace);
        await LoadRemindersAsync(timeout + options.Value.TimeoutGrace);
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
        await state.WriteStateAsync(TaskEvents.Status(S),
            wasQueued ? [.. TaskEvents.Row(S), reminderRows.Unregister(this.GetGrainId(), Reminders.QueueCheck)] : TaskEvents.Row(S));
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
        if (S.Status == TaskStatuses.Queued && reminderName == Reminders.QueueCheck)
        {
            // Still waiting: make sure the workspace knows (its activation may have been lost with a silo).
            await GrainFactory.GetGrain<IWorkspaceGrain>(S.WorkspaceId).ReconcileTasksAsync();
        }
        else if (S.Status != TaskStatuses.Running)
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
        await state.WriteStateAsync(TaskEvents.Status(S),
        [
            .. TaskEvents.Row(S),
            reminderRows.Unregister(this.GetGrainId(), Reminders.Watchdog),
            reminderRows.Unregister(this.GetGrainId(), Reminders.Timeout),
        ]);
        if (_watchdog is not null)
        {
            // The row is gone with the write; this tells the local reminder service, which loaded it.
            await this.UnregisterReminder(_watchdog);
            _watchdog = null;
        }
        await SettleAsync(S.Status);
    }

    // Orleans loads reminder rows written with a state write at its next read of the table; one due sooner than
    // that is registered through Orleans as well. Best effort: the rows are stored, so a failure here (the
    // database away) only delays them until that read.
    private async Task LoadRemindersAsync(TimeSpan timeoutDue)
    {
        try
        {
            if (!reminderRows.LoadedInTime(options.Value.WatchdogPeriod))
            {
                _watchdog = await this.RegisterOrUpdateReminder(Reminders.Watchdog, options.Value.WatchdogPeriod, options.Value.WatchdogPeriod);
            }
            if (!reminderRows.LoadedInTime(timeoutDue))
            {
                await this.RegisterOrUpdateReminder(Reminders.Timeout, timeoutDue, options.Value.WatchdogPeriod);
            }
        }
        catch (ReminderException exception)
        {
            LogRemindersNotLoaded(logger, S.Id, exception.Message);
        }
    }

    // The task is final: give its slots back, and let its activation go when this turn ends rather than after
    // the collection age (finished tasks pile up otherwise; a later read loads the task from storage again).
    // The final status is stored already; a notice that cannot be delivered now (the database or the
    // workspace's silo away) is made up for by the workspace's reconciliation and the quota's recount.
    private async Task SettleAsync(string status)
    {
        DeactivateOnIdle();
        try
        {
            await GrainFactory.GetGrain<IUserTaskQuotaGrain>(S.CreatedBy).ReleaseAsync(S.Id);
            await GrainFactory.GetGrain<IWorkspaceGrain>(S.WorkspaceId).TaskSettledAsync(S.Id, status);
        }
        catch (Exception exception) when (exception is StorageException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException)
        {
            LogSettleNotDelivered(logger, S.Id, status, exception.Message);
        }
    }

    // A reminder that fired after its task settled (loaded before the write that removed it): remove what is left.
    private async Task UnregisterAllAsync()
    {
        foreach (var name in new[] { Reminders.QueueCheck, Reminders.Watchdog, Reminders.Timeout })
        {
            if (await this.GetReminder(name) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Task {TaskId}: its reminders are stored but not loaded yet ({Reason}); Orleans loads them at its next read of the table")]
    private static partial void LogRemindersNotLoaded(ILogger logger, string taskId, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Task {TaskId} ended {Status}; its workspace was not told ({Reason}) and will find out from the task rows")]
    private static partial void LogSettleNotDelivered(ILogger logger, string taskId, string status, string reason);

    private static class Reminders
    {
        public const string QueueCheck = "queue-check";
        public const string Watchdog = "watchdog";
        public const string Timeout = "timeout";
    }
}
