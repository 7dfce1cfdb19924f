using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Orders;

public sealed class OrderIdempotencyTests(OrderApiFixture api) : IClassFixture<OrderApiFixture>
{
    [Fact]
    public async Task ConcurrentDuplicateCreatesWithOneKeyMakeOneOrder()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => customer.PostOrderAsync(OrderFlows.StandardOrder(store), key)));
        var bodies = await Task.WhenAll(responses.Select(r => r.ReadJsonAsync()));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(bodies.Select(b => (b.Id(), b.GetProperty("order_number").GetString(), b.GetProperty("created_at").GetString())).Distinct());
        var mine = await (await customer.GetAsync("/api/v1/orders")).ReadJsonAsync();
        Assert.Equal(1, mine.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Single(await api.Factory.EventsAsync($"store:{store.Id}"), e => e.Type == "order.created");
        Assert.Single(await api.Factory.EventsAsync($"order:{bodies[0].Id()}"));
    }

    [Fact]
    public async Task ARetryAfterTheOrderMovedOnReturnsTheOrderAsItIsNow()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var first = await customer.PlaceOrderAsync(store, "retry-key");
        await owner.ActAsync(first.Id(), "accept");

        var again = await customer.PlaceOrderAsync(store, "retry-key");

        Assert.Equal(first.Id(), again.Id());
        Assert.Equal("accepted", again.GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheSameKeyWithADifferentRequestIsAConflict()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        await customer.PlaceOrderAsync(store, "reused-key");

        using var different = await customer.PostOrderAsync(
            new { store_id = store.Id, items = new[] { new { menu_item_id = store.Tea, quantity = 3 } } }, "reused-key");

        await different.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task TheSameKeyFromAnotherCustomerIsAnotherOrder()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var alice = api.As(await api.RegisterAsync());
        using var bob = api.As(await api.RegisterAsync());

        var ofAlice = await alice.PlaceOrderAsync(store, "shared-key");
        var ofBob = await bob.PlaceOrderAsync(store, "shared-key");

        Assert.NotEqual(ofAlice.Id(), ofBob.Id());
        Assert.NotEqual(ofAlice.GetProperty("order_number").GetString(), ofBob.GetProperty("order_number").GetString());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("two  inner spaces")]
    public async Task AKeyWithSpacesIsAValidationProblem(string key)
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        using var response = await customer.PostOrderAsync(OrderFlows.StandardOrder(store), key);

        (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("idempotency-key");
    }

    [Fact]
    public async Task AnOverlongKeyIsAValidationProblem()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        using var response = await customer.PostOrderAsync(OrderFlows.StandardOrder(store), new string('k', 256));

        (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("idempotency-key");
    }
}
