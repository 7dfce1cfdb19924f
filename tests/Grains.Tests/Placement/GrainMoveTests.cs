using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.Grains.Tests.Orders;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;
using OrleansHub.TestSupport;
using StreamId = OrleansHub.Outbox.EventLog.StreamId;

namespace OrleansHub.Grains.Tests.Placement;

/// <summary>
/// A grain that moves between silos (its silo leaves the cluster, as in a rolling restart, and its next call
/// activates it on another) keeps its stored state and its stream: a subscriber on the other silo sees every event,
/// before and after the move, with seq strictly one more than the last. Orleans.TestingHost silos on real PostgreSQL
/// with ADO.NET membership (<see cref="HubCluster"/>).
/// </summary>
public sealed class GrainMoveTests
{
    private const string Key = "moving";
    private const string Owner = "owner";
    private const string GrainType = "workspace"; // WorkspaceGrain's [GrainType]

    [Fact]
    public async Task AWorkspaceMovedToAnotherSiloKeepsItsStateAndItsStreamOrder()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        try
        {
            await using var cluster = await DomainSilo.StartAsync(database, silos: 2);
            var workspace = cluster.Grains.GetGrain<IWorkspaceGrain>(Key);
            await workspace.CreateAsync(new CreateWorkspace(Owner, "v0", null, ["kept"], ImmutableDictionary<string, string>.Empty.Add("k", "kept")));
            for (var i = 1; i <= 5; i++)
            {
                await RenameAsync(workspace, i);
            }

            // The subscriber lives on the silo that does not hold the workspace, so it survives the move.
            var (host, away) = await WhereAsync(cluster);
            var awayAddress = cluster.Cluster.Cluster.Silos[away].SiloAddress;
            await using var recorder = await StreamRecorder.StartAsync(
                cluster.Cluster.Services(away).GetRequiredService<StreamSubscriptions>(), new StreamId(StreamNames.Workspace, Key));

            await cluster.Cluster.StopSiloAsync(host);

            // The next call activates it on the survivor, from its stored state.
            var moved = await workspace.GetAsync(Owner);
            Assert.Equal("v5", moved.Name);
            Assert.Equal(new[] { "kept" }, moved.Tags.AsEnumerable());
            Assert.Equal("kept", moved.Metadata["k"]);
            Assert.Equal(awayAddress, await HostOfAsync(cluster));
            for (var i = 6; i <= 10; i++)
            {
                await RenameAsync(workspace, i);
            }

            await recorder.UntilAsync(WorkspaceEventTypes.Updated, data => data.GetProperty("name").GetString() == "v10");
            Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), recorder.Seen.Select(e => e.Seq));
            Assert.Equal(Enumerable.Range(0, 11).Select(i => $"v{i}"), recorder.Seen.Select(e => e.Data.GetProperty("name").GetString()));
            Assert.Equal("v10", (await workspace.GetAsync(Owner)).Name);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(database);
        }
    }

    private static Task RenameAsync(IWorkspaceGrain workspace, int i) =>
        workspace.UpdateAsync(Owner, new UpdateWorkspace($"v{i}", null, null, null, null));

    /// <summary>The index of the silo holding the workspace and of the other one.</summary>
    private static async Task<(int Host, int Away)> WhereAsync(DomainSilo cluster)
    {
        var host = await HostOfAsync(cluster);
        var silos = cluster.Cluster.Cluster.Silos;
        return (Assert.Single(Enumerable.Range(0, silos.Count), i => silos[i].SiloAddress == host),
                Assert.Single(Enumerable.Range(0, silos.Count), i => silos[i].SiloAddress != host));
    }

    private static async Task<SiloAddress> HostOfAsync(DomainSilo cluster)
    {
        var statistics = await cluster.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return Assert.Single(statistics, s => s.GrainId == GrainId.Create(GrainType, Key)).SiloAddress;
    }
}
