using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.Outbox.EventLog;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Tasks;

public sealed class InterruptedTaskTests
{
    private static readonly Dictionary<string, string?> FastWatchdog = new()
    {
        ["Execution:Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
        ["Reminders:MinimumReminderPeriod"] = "00:00:00.100",
        ["Tasks:WatchdogPeriod"] = "00:00:00.200",
    };

    [Fact]
    public async Task ATaskRunningWhenItsSiloStoppedIsFailedAsInterruptedByTheNextSilo()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var first = await DomainSilo.StartAsync(database, FastWatchdog);
        await first.Grains.GetGrain<IWorkspaceGrain>("w").CreateAsync(
            new CreateWorkspace("alice", "w", null, [], ImmutableDictionary<string, string>.Empty));
        await first.Grains.GetGrain<ITaskGrain>("t").CreateAsync(
            new CreateTask("w", "alice", ["sleep", "600"], null, ImmutableDictionary<string, string>.Empty, 900, TaskPriorities.Medium));
        using (var firstEvents = await TaskStreamRecorder.StartAsync(first.Streams, new StreamId("task", "t")))
        {
            await firstEvents.UntilStatusAsync(TaskStatuses.Running);
        }
        await first.DisposeAsync();

        await using var second = await DomainSilo.StartAsync(database, FastWatchdog);
        using var events = await TaskStreamRecorder.StartAsync(second.Streams, new StreamId("task", "t"));
        await events.UntilFinalAsync();
        var settled = await second.Grains.GetGrain<ITaskGrain>("t").GetAsync();

        Assert.Equal(TaskStatuses.Failed, settled.Status);
        Assert.StartsWith("interrupted", settled.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await second.Grains.GetGrain<IWorkspaceGrain>("w").GetAsync("alice")).Stats.RunningTasks);
    }
}
