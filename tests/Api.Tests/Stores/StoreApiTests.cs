using System.Net;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Orders;

namespace OrleansHub.Api.Tests.Stores;

public sealed class StoreApiTests(OrderApiFixture api) : IClassFixture<OrderApiFixture>
{
    [Fact]
    public async Task AnOwnerPublishesAMenuThatAnyoneReadsWithoutCredentials()
    {
        var owner = await api.RegisterAsync();
        using var client = api.As(owner);

        using var created = await client.PostJsonAsync("/api/v1/stores", new { name = "  Corner Cafe " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var store = await created.ReadJsonAsync();
        Assert.Equal("Corner Cafe", store.GetProperty("name").GetString());
        Assert.Equal(owner.Id, store.GetProperty("owner_id").GetString());
        Assert.True(store.TryGetProperty("created_at", out _));
        var ids = await client.CreateStoreAsync();

        using var anonymous = api.Factory.CreateClient();
        using var menuResponse = await anonymous.GetAsync($"/api/v1/stores/{ids.Id}/menu");
        Assert.Equal(HttpStatusCode.OK, menuResponse.StatusCode);
        var menu = await menuResponse.ReadJsonAsync();
        var items = menu.GetProperty("categories")[0].GetProperty("items");
        Assert.Equal("Drinks", menu.GetProperty("categories")[0].GetProperty("name").GetString());
        Assert.Equal([(ids.Latte, "Latte", 4_500L, true), (ids.Tea, "Tea", 3_000L, true), (ids.Seasonal, "Seasonal", 6_000L, false)],
            items.EnumerateArray().Select(i => (i.GetProperty("id").GetString(), i.GetProperty("name").GetString(), i.GetProperty("price").GetInt64(), i.GetProperty("available").GetBoolean())));
        Assert.False(menu.TryGetProperty("owner_id", out _));
    }

    [Fact]
    public async Task ItemsSentWithTheirIdsKeepThemWhenTheMenuIsReplaced()
    {
        var owner = await api.RegisterAsync();
        using var client = api.As(owner);
        var store = await client.CreateStoreAsync();

        using var replaced = await client.PutJsonAsync($"/api/v1/stores/{store.Id}/menu", new
        {
            categories = new[] { new { name = "Hot", items = new object[] { new { id = store.Latte, name = "Latte", price = 5_000 }, new { name = "Mocha", price = 5_500 } } } },
        });

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var items = (await replaced.ReadJsonAsync()).GetProperty("categories")[0].GetProperty("items");
        Assert.Equal(store.Latte, items[0].GetProperty("id").GetString());
        Assert.Equal(5_000, items[0].GetProperty("price").GetInt64());
        // A new item gets the API's one id form (docs/api.md "Ids"): a dashed, time-ordered UUID.
        Assert.Equal(7, Guid.ParseExact(items[1].GetProperty("id").GetString()!, "D").Version);
    }

    [Fact]
    public async Task OnlyTheOwnerChangesTheMenuAndNobodyWithoutCredentials()
    {
        var owner = await api.RegisterAsync();
        var other = await api.RegisterAsync();
        var store = await api.StoreOfAsync(owner);
        using var asOther = api.As(other);
        using var asOwner = api.As(owner);
        using var nobody = api.Factory.CreateClient();
        var menu = new { categories = new[] { new { name = "X", items = new[] { new { name = "Y", price = 1 } } } } };

        using var byOther = await asOther.PutJsonAsync($"/api/v1/stores/{store.Id}/menu", menu);
        using var byNobody = await nobody.PutJsonAsync($"/api/v1/stores/{store.Id}/menu", menu);
        using var unknown = await asOwner.PutJsonAsync("/api/v1/stores/no-such-store/menu", menu);

        await byOther.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await byNobody.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task BadMenusAreValidationProblemsNamingTheField()
    {
        var owner = await api.RegisterAsync();
        using var client = api.As(owner);
        var store = await client.CreateStoreAsync();

        using var negative = await client.PutJsonAsync($"/api/v1/stores/{store.Id}/menu", new
        {
            categories = new[] { new { name = "Drinks", items = new[] { new { name = "Latte", price = -1 } } } },
        });
        using var fractional = await client.PutJsonAsync($"/api/v1/stores/{store.Id}/menu", new
        {
            categories = new[] { new { name = "Drinks", items = new[] { new { name = "Latte", price = 12.5 } } } },
        });
        using var missing = await client.PutJsonAsync($"/api/v1/stores/{store.Id}/menu", new { });

        (await negative.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("categories[0].items[0].price");
        (await fractional.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("categories[0].items[0].price");
        (await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("categories");
    }

    [Fact]
    public async Task AnUnknownStoresMenuIsNotFound()
    {
        using var anonymous = api.Factory.CreateClient();

        using var unknown = await anonymous.GetAsync($"/api/v1/stores/{Guid.NewGuid()}/menu");
        using var implausible = await anonymous.GetAsync("/api/v1/stores/not%20an%20id/menu");

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await implausible.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task AViewerReadsMenusButOpensNoStore()
    {
        var viewer = await api.RegisterViewerAsync();
        var store = await api.AnyStoreAsync();
        using var client = api.As(viewer);

        using var create = await client.PostJsonAsync("/api/v1/stores", new { name = "Mine" });
        using var menu = await client.GetAsync($"/api/v1/stores/{store.Id}/menu");

        await create.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, menu.StatusCode);
    }

    [Fact]
    public async Task TheStoreListHoldsOnlyTheCallersStoresNewestFirstAndPaginated()
    {
        var owner = await api.RegisterAsync();
        var other = await api.RegisterAsync();
        using var client = api.As(owner);
        var first = await client.CreateStoreAsync("First");
        var second = await client.CreateStoreAsync("Second");
        var third = await client.CreateStoreAsync("Third");
        await api.StoreOfAsync(other);

        var page1 = await (await client.GetAsync("/api/v1/stores?limit=2")).ReadJsonAsync();
        var page2 = await (await client.GetAsync("/api/v1/stores?limit=2&offset=2")).ReadJsonAsync();

        Assert.Equal([third.Id, second.Id], page1.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal([first.Id], page2.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var pagination = page1.GetProperty("pagination");
        Assert.Equal(3, pagination.GetProperty("total").GetInt64());
        Assert.True(pagination.GetProperty("has_next").GetBoolean());
        Assert.True(page2.GetProperty("pagination").GetProperty("has_prev").GetBoolean());
        var row = page2.GetProperty("data")[0];
        Assert.Equal(["created_at", "id", "name", "owner_id"], row.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
