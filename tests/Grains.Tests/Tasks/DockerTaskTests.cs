using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.Outbox.EventLog;
using OrleansHub.TestSupport;
using OrleansHub.TestSupport.Docker;

namespace OrleansHub.Grains.Tests.Tasks;

/// <summary>Tasks through their grains in real Docker containers (the executor's own suite covers the sandbox in depth).</summary>
public sealed class DockerTaskTests
{
    [DockerFact]
    public async Task ATaskRunsInASandboxedContainerAndCancelStopsIt()
    {
        await using var silo = await DomainSilo.StartAsync(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Execution:Mode"] = "docker",
            ["Execution:Docker:Socket"] = DockerDaemon.SocketPath,
            ["Execution:Docker:DefaultImage"] = DockerDaemon.SandboxImage,
        });
        await silo.Grains.GetGrain<IWorkspaceGrain>("w").CreateAsync(
            new CreateWorkspace("alice", "w", null, [], ImmutableDictionary<string, string>.Empty));

        using var ok = await TaskStreamRecorder.StartAsync(silo.Streams, new StreamId("task", "d1"));
        await silo.Grains.GetGrain<ITaskGrain>("d1").CreateAsync(new CreateTask(
            "w", "alice", ["sh", "-c", "id -u; echo '##progress 1/1'; touch /x 2>&1 || echo ro"], null,
            ImmutableDictionary<string, string>.Empty, 60, TaskPriorities.Medium));
        var done = await ok.UntilFinalAsync();

        Assert.Equal(TaskStatuses.Succeeded, done.GetProperty("status").GetString());
        Assert.Contains(("stdout", "65534"), ok.Logs);
        Assert.Contains(ok.Logs, l => l.Line == "ro");

        using var slow = await TaskStreamRecorder.StartAsync(silo.Streams, new StreamId("task", "d2"));
        await silo.Grains.GetGrain<ITaskGrain>("d2").CreateAsync(new CreateTask(
            "w", "alice", ["sleep", "300"], null, ImmutableDictionary<string, string>.Empty, 600, TaskPriorities.Medium));
        await slow.UntilStatusAsync(TaskStatuses.Running);
        await silo.Grains.GetGrain<ITaskGrain>("d2").CancelAsync("alice");

        Assert.Equal(TaskStatuses.Cancelled, (await slow.UntilFinalAsync()).GetProperty("status").GetString());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Empty(await DockerCli.ContainersOfRunAsync(DockerDaemon.SocketPath, "d2", deadline.Token));
    }
}
