using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.Outbox.EventLog;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Workspaces;

/// <summary>The workspace's queue and counts, which it stores nowhere and reads back from the task rows when it activates.</summary>
public sealed class WorkspaceQueueTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Execution:Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
        ["Tasks:MaxRunningPerWorkspace"] = "1",
        ["Tasks:MaxActivePerUser"] = "10",
    };

    [Fact]
    public async Task AfterARestartTheQueueAndCountsComeBackFromTheTaskRowsAndTheQueueRunsInPriorityOrder()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await using (var first = await DomainSilo.StartAsync(database, Settings))
        {
            await first.Grains.GetGrain<IWorkspaceGrain>("w").CreateAsync(
                new CreateWorkspace("alice", "w", null, [], ImmutableDictionary<string, string>.Empty));
            using (var done = await TaskStreamRecorder.StartAsync(first.Streams, new StreamId("task", "done")))
            {
                await CreateAsync(first, "done", TaskPriorities.Medium, "echo", "done");
                await done.UntilFinalAsync();
            }
            using (var blocker = await TaskStreamRecorder.StartAsync(first.Streams, new StreamId("task", "blocker")))
            {
                await CreateAsync(first, "blocker", TaskPriorities.Medium, "sleep", "600");
                await blocker.UntilStatusAsync(TaskStatuses.Running);
            }
            await CreateAsync(first, "later", TaskPriorities.Medium, "echo", "later");
            await CreateAsync(first, "urgent", TaskPriorities.High, "echo", "urgent");
        }

        await using var second = await DomainSilo.StartAsync(database, Settings);
        using var later = await TaskStreamRecorder.StartAsync(second.Streams, new StreamId("task", "later"));

        // Nothing has touched the tasks yet: the counts are the rows' (the blocker still shows running).
        Assert.Equal(new WorkspaceStats(TotalTasks: 4, RunningTasks: 1, SucceededTasks: 1, FailedTasks: 0),
            (await second.Grains.GetGrain<IWorkspaceGrain>("w").GetAsync("alice")).Stats);

        // The blocker's activation finds its run gone and fails it, which frees the slot for the queue.
        await second.Grains.GetGrain<ITaskGrain>("blocker").GetAsync();
        await later.UntilFinalAsync();

        var urgentView = await second.Grains.GetGrain<ITaskGrain>("urgent").GetAsync();
        var laterView = await second.Grains.GetGrain<ITaskGrain>("later").GetAsync();
        Assert.Equal(TaskStatuses.Succeeded, urgentView.Status);
        Assert.Equal(TaskStatuses.Succeeded, laterView.Status);
        Assert.True(urgentView.StartedAt < laterView.StartedAt, $"urgent started {urgentView.StartedAt:O}, later {laterView.StartedAt:O}");
    }

    private static Task<TaskView> CreateAsync(DomainSilo silo, string id, string priority, params string[] command) =>
        silo.Grains.GetGrain<ITaskGrain>(id).CreateAsync(new CreateTask(
            "w", "alice", [.. command], null, ImmutableDictionary<string, string>.Empty, 900, priority));
}
