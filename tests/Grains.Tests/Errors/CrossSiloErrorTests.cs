using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
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
        // Activated by its first call, wherever Orleans placed it.
        await Assert.ThrowsAsync<NotFoundException>(() => _cluster.Grains.GetGrain<IOrderGrain>("nowhere").GetAsync("someone"));
        var away = await FactoryAwayFromAsync(GrainId.Create("order", "nowhere"));

        var error = await Assert.ThrowsAsync<NotFoundException>(() => away.GetGrain<IOrderGrain>("nowhere").GetAsync("someone"));

        Assert.Equal("Order not found.", error.Message);
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
        var invalid = new CreateOrder("customer", "", new string('9', 21), [new OrderLineRequest("latte", 0)], null, null);
        await Assert.ThrowsAsync<ValidationException>(() => _cluster.Grains.GetGrain<IOrderGrain>("invalid").CreateAsync(invalid));
        var away = await FactoryAwayFromAsync(GrainId.Create("order", "invalid"));

        var error = await Assert.ThrowsAsync<ValidationException>(() => away.GetGrain<IOrderGrain>("invalid").CreateAsync(invalid));

        Assert.Equal("One or more fields are invalid.", error.Message);
        Assert.Equal(
            ["items[0].quantity=An integer from 1 to 99.", "store_id=Required: the id of a store.", "table_number=At most 20 characters."],
            error.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={string.Join('|', e.Value)}"));
    }

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
