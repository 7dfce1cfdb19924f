using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Tasks;

/// <summary>The per-user active task limit, which the quota grain reads from the task rows when it activates.</summary>
public sealed class TaskQuotaTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Execution:Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
        ["Tasks:MaxRunningPerWorkspace"] = "1",
        ["Tasks:MaxActivePerUser"] = "2",
    };

    [Fact]
    public async Task TheActiveTaskLimitHoldsAcrossARestartAndFreesWhenATaskEnds()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var workspace = Guid.NewGuid().ToString("N");
        await using (var first = await DomainSilo.StartAsync(database, Settings))
        {
            await first.Grains.GetGrain<IWorkspaceGrain>(workspace).CreateAsync(
                new CreateWorkspace("alice", "w", null, [], ImmutableDictionary<string, string>.Empty));
            await CreateAsync(first, "running", workspace);
            await CreateAsync(first, "queued", workspace);
        }

        await using var second = await DomainSilo.StartAsync(database, Settings);

        await Assert.ThrowsAsync<ConflictException>(() => CreateAsync(second, "refused", workspace));
        await second.Grains.GetGrain<ITaskGrain>("queued").CancelAsync("alice");
        var admitted = await CreateAsync(second, "admitted", workspace);
        Assert.Equal(TaskStatuses.Queued, admitted.Status);
    }

    private static Task<TaskView> CreateAsync(DomainSilo silo, string id, string workspace) =>
        silo.Grains.GetGrain<ITaskGrain>(id).CreateAsync(new CreateTask(
            workspace, "alice", ["sleep", "60"], null, ImmutableDictionary<string, string>.Empty, 120, TaskPriorities.Medium));
}
