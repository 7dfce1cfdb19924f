using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Realtime;


namespace OrleansHub.Api.Tests.Orders;

/// <summary>The read policies the hub asks before it delivers order:{id} and store:{id} events.</summary>
public sealed class StreamAccessPolicyTests(OrderApiFixture api) : IClassFixture<OrderApiFixture>
{
    private IStreamAccessPolicy Policy(string kind) =>
        Assert.Single(api.Factory.Services.GetServices<IStreamAccessPolicy>(), policy => policy.Kind == kind);

    private IGrainFactory Grains => api.Factory.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task AnOrdersStreamIsForItsCustomerAndItsStoresOwner()
    {
        var owner = await api.RegisterAsync();
        var customer = await api.RegisterAsync();
        var stranger = await api.RegisterAsync();
        using var ownerClient = api.As(owner);
        var store = await ownerClient.CreateStoreAsync();
        using var customerClient = api.As(customer);
        var order = (await customerClient.PlaceOrderAsync(store)).Id();
        var policy = Policy("order");

        Assert.True(await policy.CanReadAsync(customer.Id, order, Grains, CancellationToken.None));
        Assert.True(await policy.CanReadAsync(owner.Id, order, Grains, CancellationToken.None));
        Assert.False(await policy.CanReadAsync(stranger.Id, order, Grains, CancellationToken.None));
        Assert.False(await policy.CanReadAsync(customer.Id, Guid.NewGuid().ToString(), Grains, CancellationToken.None));
        Assert.False(await policy.CanReadAsync(customer.Id, "not/a key", Grains, CancellationToken.None));
    }

    [Fact]
    public async Task AStoresStreamIsForItsOwnerAlone()
    {
        var owner = await api.RegisterAsync();
        var customer = await api.RegisterAsync();
        using var ownerClient = api.As(owner);
        var store = await ownerClient.CreateStoreAsync();
        using var customerClient = api.As(customer);
        await customerClient.PlaceOrderAsync(store);
        var policy = Policy("store");

        Assert.True(await policy.CanReadAsync(owner.Id, store.Id, Grains, CancellationToken.None));
        Assert.False(await policy.CanReadAsync(customer.Id, store.Id, Grains, CancellationToken.None));
        Assert.False(await policy.CanReadAsync(owner.Id, Guid.NewGuid().ToString(), Grains, CancellationToken.None));
        Assert.False(await policy.CanReadAsync(owner.Id, "", Grains, CancellationToken.None));
    }
}
