using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Tests.Infrastructure;

namespace OrleansHub.Grains.Tests.Errors;

/// <summary>
/// Errors cross silos (docs/architecture): a domain exception thrown by a grain on another silo reaches the caller
/// as the same type with the same message and fields, so the API answers with the same problem code wherever the
/// grain lives. Each call is made from the silo that does not hold the activation.
/// </summary>
public sealed class CrossSiloErrorTests(CrossSiloErrorTests.TwoSilos shared) : IClassFixture<CrossSiloErrorTests.TwoSilos>
{
    private readonly DomainSilo _cluster = shared.Silo;

    public sealed class TwoSilos() : DomainSiloFixture(silos: 2);

    [Fact]
    public async Task NotFoundFromAnotherSiloKeepsItsTypeAndMessage()
    {
        // A stored workspace stays activated, wherever Orleans placed it; a stranger is told it does not exist.
        await _cluster.Grains.GetGrain<IWorkspaceGrain>("hidden").CreateAsync(new CreateWorkspace("owner", "Hidden", null, [], ImmutableDictionary<string, string>.Empty));
        var away = await FactoryAwayFromAsync(GrainId.Create("workspace", "hidden"));

        var error = await Assert.ThrowsAsync<NotFoundException>(() => away.GetGrain<IWorkspaceGrain>("hidden").GetAsync("stranger"));

        Assert.Equal("Workspace not found.", error.Message);
    }

    [Fact]
    public async Task ConflictFromAnotherSiloKeepsItsTypeAndMessage()
    {
        await _cluster.Grains.GetGrain<IStoreGrain>("taken").CreateAsync(new CreateStore("owner", "Cafe"));
        var away = await FactoryAwayFromAsync(GrainId.Create("store", "taken"));

        var error = await Assert.ThrowsAsync<ConflictException>(() => away.GetGrain<IStoreGrain>("taken").CreateAsync(new CreateStore("owner", "Cafe")));

        Assert.Equal("A store with this id already exists.", error.Message);
    }

    [Fact]
    public async Task AValidationErrorFromAnotherSiloKeepsItsFields()
    {
        var store = _cluster.Grains.GetGrain<IStoreGrain>("invalid-menu");
        await store.CreateAsync(new CreateStore("owner", "Cafe"));
        var invalid = new UpdateMenu([new MenuCategoryInput("", [new MenuItemInput(null, "", -1, null, null)])]);
        var near = await Assert.ThrowsAsync<ValidationException>(() => store.UpdateMenuAsync("owner", invalid));
        var away = await FactoryAwayFromAsync(GrainId.Create("store", "invalid-menu"));

        var error = await Assert.ThrowsAsync<ValidationException>(() => away.GetGrain<IStoreGrain>("invalid-menu").UpdateMenuAsync("owner", invalid));

        Assert.Equal("One or more fields are invalid.", error.Message);
        Assert.Contains("categories[0].name", error.Errors.Keys);
        Assert.Equal(Describe(near.Errors), Describe(error.Errors));
    }

    private static IEnumerable<string> Describe(IReadOnlyDictionary<string, string[]> errors) =>
        errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={string.Join('|', e.Value)}");

    /// <summary>The grain factory of the silo that does not hold the activation of <paramref name="grain"/>.</summary>
    private async Task<IGrainFactory> FactoryAwayFromAsync(GrainId grain)
    {
        var statistics = await _cluster.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var host = Assert.Single(statistics, s => s.GrainId == grain).SiloAddress;
        var silos = _cluster.Cluster.Cluster.Silos;
        var away = Assert.Single(Enumerable.Range(0, silos.Count), i => silos[i].SiloAddress != host);
        return _cluster.Cluster.Services(away).GetRequiredService<IGrainFactory>();
    }
}
