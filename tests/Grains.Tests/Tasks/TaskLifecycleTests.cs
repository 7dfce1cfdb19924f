using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.Outbox.EventLog;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Tasks;

/// <summary>
/// Tasks through their grains on a real silo, real PostgreSQL and the real local process executor. The tests share
/// one silo (<see cref="LocalTaskSilo"/>); each has its own user and workspace, so the per-user and per-workspace
/// limits of one test never see another's tasks.
/// </summary>
public sealed class TaskLifecycleTests(TaskLifecycleTests.LocalTaskSilo shared) : IClassFixture<TaskLifecycleTests.LocalTaskSilo>
{
    private readonly DomainSilo _silo = shared.Silo;
    private readonly string _alice = $"alice-{Guid.NewGuid():N}";

    public sealed class LocalTaskSilo() : DomainSiloFixture(new Dictionary<string, string?>
    {
        ["Execution:Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
        ["Tasks:MaxRunningPerWorkspace"] = "1",
        ["Tasks:MaxActivePerUser"] = "3",
    });

    [Fact]
    public async Task ATaskRunsToSuccessWithItsLogsProgressAndStatusEventsInOrder()
    {
        var workspace = await NewWorkspaceAsync();
        using var events = await WatchAsync(new StreamId("task", "ok1"));

        await Create("ok1", workspace, "sh", "-c", "echo hello; echo '##progress 1/2 half way'; echo oops >&2");
        var final = await events.UntilFinalAsync();

        Assert.Equal(TaskStatuses.Succeeded, final.GetProperty("status").GetString());
        Assert.Equal(0, final.GetProperty("exit_code").GetInt32());
        Assert.Equal(["queued", "running", "succeeded"], events.Statuses);
        Assert.Contains(("stdout", "hello"), events.Logs);
        Assert.Contains(("stderr", "oops"), events.Logs);
        var view = await _silo.Grains.GetGrain<ITaskGrain>("ok1").GetAsync();
        Assert.Equal(new TaskProgress(1, 2, 50.0, "half way"), view.Progress);
        var stats = (await _silo.Grains.GetGrain<IWorkspaceGrain>(workspace).GetAsync(_alice)).Stats;
        Assert.Equal(new WorkspaceStats(1, 0, 1, 0), stats);
    }

    [Fact]
    public async Task ANonZeroExitFailsTheTaskWithItsExitCode()
    {
        var workspace = await NewWorkspaceAsync();
        using var events = await WatchAsync(new StreamId("task", "bad1"));

        await Create("bad1", workspace, "sh", "-c", "exit 3");
        var final = await events.UntilFinalAsync();

        Assert.Equal(TaskStatuses.Failed, final.GetProperty("status").GetString());
        Assert.Equal(3, final.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task TheQueueHoldsASecondTaskUntilTheFirstFinishesAndCancellingAQueuedTaskNeverRunsIt()
    {
        var workspace = await NewWorkspaceAsync();
        using var first = await WatchAsync(new StreamId("task", "q1"));
        using var third = await WatchAsync(new StreamId("task", "q3"));

        await Create("q1", workspace, "sleep", "60");
        await first.UntilStatusAsync(TaskStatuses.Running);
        await Create("q2", workspace, "echo", "never");
        await Create("q3", workspace, "echo", "third");

        Assert.Equal(TaskStatuses.Queued, (await _silo.Grains.GetGrain<ITaskGrain>("q2").GetAsync()).Status);
        Assert.Equal(TaskStatuses.Cancelled, (await _silo.Grains.GetGrain<ITaskGrain>("q2").CancelAsync(_alice)).Status);
        await _silo.Grains.GetGrain<ITaskGrain>("q1").CancelAsync(_alice);

        Assert.Equal(TaskStatuses.Cancelled, (await first.UntilFinalAsync()).GetProperty("status").GetString());
        Assert.Equal(TaskStatuses.Succeeded, (await third.UntilFinalAsync()).GetProperty("status").GetString());
        var q2 = await _silo.Grains.GetGrain<ITaskGrain>("q2").GetAsync();
        Assert.Null(q2.StartedAt);
        await Assert.ThrowsAsync<ConflictException>(() => _silo.Grains.GetGrain<ITaskGrain>("q2").CancelAsync(_alice));
    }

    [Fact]
    public async Task AFinishedTaskLeavesMemoryAndComesBackFromStorageWhenRead()
    {
        var workspace = await NewWorkspaceAsync();
        using var running = await WatchAsync(new StreamId("task", "m1"));
        await Create("m1", workspace, "sleep", "60");
        await running.UntilStatusAsync(TaskStatuses.Running);
        await Create("m2", workspace, "echo", "never");

        await _silo.Grains.GetGrain<ITaskGrain>("m2").CancelAsync(_alice);
        await _silo.WaitForActivationsAsync("task", ["m2"], 0);
        Assert.Equal(1, await _silo.ActivationsOfAsync("task", ["m1"])); // the running task stays, the cancelled one went
        await _silo.Grains.GetGrain<ITaskGrain>("m1").CancelAsync(_alice);
        await running.UntilFinalAsync();
        await _silo.WaitForActivationsAsync("task", ["m1"], 0);

        var reread = await _silo.Grains.GetGrain<ITaskGrain>("m2").GetAsync();
        Assert.Equal(TaskStatuses.Cancelled, reread.Status);
        Assert.Equal(1, await _silo.ActivationsOfAsync("task", ["m1", "m2"]));
    }

    [Fact]
    public async Task ATaskOverItsTimeoutEndsTimedOut()
    {
        var workspace = await NewWorkspaceAsync();
        using var events = await WatchAsync(new StreamId("task", "slow1"));

        await _silo.Grains.GetGrain<ITaskGrain>("slow1").CreateAsync(new CreateTask(
            workspace, _alice, ["sleep", "60"], null, ImmutableDictionary<string, string>.Empty, 1, TaskPriorities.High));

        Assert.Equal(TaskStatuses.TimedOut, (await events.UntilFinalAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AUserPastTheActiveTaskLimitIsRefusedAndAViewerCannotCreateTasks()
    {
        var workspace = await NewWorkspaceAsync();
        await _silo.Grains.GetGrain<IWorkspaceGrain>(workspace).SetMemberAsync(_alice, "victor", WorkspaceRoles.Viewer);
        for (var i = 0; i < 3; i++)
        {
            await Create($"lim{i}", workspace, "sleep", "60");
        }

        await Assert.ThrowsAsync<ConflictException>(() => Create("lim3", workspace, "echo", "x"));
        await Assert.ThrowsAsync<ForbiddenException>(() => _silo.Grains.GetGrain<ITaskGrain>("v1").CreateAsync(
            new CreateTask(workspace, "victor", ["echo"], null, ImmutableDictionary<string, string>.Empty, null, TaskPriorities.Low)));

        for (var i = 0; i < 3; i++)
        {
            await _silo.Grains.GetGrain<ITaskGrain>($"lim{i}").CancelAsync(_alice);
        }
    }

    private async Task<string> NewWorkspaceAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        await _silo.Grains.GetGrain<IWorkspaceGrain>(id).CreateAsync(
            new CreateWorkspace(_alice, "w", null, [], ImmutableDictionary<string, string>.Empty));
        return id;
    }

    private Task<TaskView> Create(string id, string workspace, params string[] command) =>
        _silo.Grains.GetGrain<ITaskGrain>(id).CreateAsync(new CreateTask(
            workspace, _alice, [.. command], null, ImmutableDictionary<string, string>.Empty, 30, TaskPriorities.Medium));

    private Task<TaskStreamRecorder> WatchAsync(StreamId stream) => TaskStreamRecorder.StartAsync(_silo.Streams, stream);
}
