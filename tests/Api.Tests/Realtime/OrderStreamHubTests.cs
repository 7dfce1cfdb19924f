using System.Net;
using Microsoft.AspNetCore.SignalR;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Realtime.Client;

namespace OrleansHub.Api.Tests.Realtime;

/// <summary>The order and store streams through the hub, with the policies the orders feature registers.</summary>
public sealed class OrderStreamHubTests(RealtimeFixture api) : IClassFixture<RealtimeFixture>
{
    [Fact]
    public async Task TheCustomerFollowsTheOrderAndTheOwnerTheStoreButAStrangerNeither()
    {
        var owner = await api.RegisterAsync();
        var customer = await api.RegisterAsync();
        var stranger = await api.RegisterAsync();
        string store, order;
        using (var asOwner = api.As(owner))
        {
            using var created = await asOwner.PostJsonAsync("/api/v1/stores", new { name = "Cafe" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            store = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;
            using var menu = await asOwner.PutJsonAsync($"/api/v1/stores/{store}/menu",
                new { categories = new[] { new { name = "Drinks", items = new[] { new { name = "Tea", price = 2500 } } } } });
            Assert.Equal(HttpStatusCode.OK, menu.StatusCode);
            var item = (await menu.ReadJsonAsync()).GetProperty("categories")[0].GetProperty("items")[0].GetProperty("id").GetString();
            using var asCustomer = api.As(customer);
            using var placed = await asCustomer.PostJsonAsync("/api/v1/orders", new { store_id = store, items = new[] { new { menu_item_id = item, quantity = 2 } } });
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            order = (await placed.ReadJsonAsync()).GetProperty("id").GetString()!;
        }
        await using var ownerHub = await api.ConnectAsync(owner);
        await using var customerHub = await api.ConnectAsync(customer);
        await using var strangerHub = await api.ConnectAsync(stranger);
        await ownerHub.SubscribeAsync($"store:{store}");
        await customerHub.SubscribeAsync($"order:{order}");
        await Assert.ThrowsAsync<HubException>(() => strangerHub.SubscribeAsync($"order:{order}", 0));
        await Assert.ThrowsAsync<HubException>(() => strangerHub.SubscribeAsync($"store:{store}", 0));
        await Assert.ThrowsAsync<HubException>(() => customerHub.SubscribeAsync($"store:{store}", 0));

        using (var asOwner = api.As(owner))
        using (var accepted = await asOwner.PostJsonAsync($"/api/v1/orders/{order}/accept", new { estimated_minutes = 5 }))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        foreach (var (hub, stream) in new[] { (ownerHub, $"store:{store}"), (customerHub, $"order:{order}") })
        {
            var status = (await hub.EventsUntilAsync(e => e.Type == "order.status")).Last();
            Assert.Equal(stream, status.Stream);
            Assert.Equal("accepted", status.Data.GetProperty("status").GetString());
        }
    }
}
