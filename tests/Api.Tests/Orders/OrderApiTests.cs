using System.Net;
using System.Text.RegularExpressions;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Orders;

public sealed partial class OrderApiTests(OrderApiFixture api) : IClassFixture<OrderApiFixture>
{
    [Fact]
    public async Task PricesComeFromTheMenuWhateverTheBodyClaims()
    {
        var store = await api.AnyStoreAsync();
        var customer = await api.RegisterAsync();

        using var response = await api.As(customer).PostOrderAsync(new
        {
            store_id = store.Id,
            table_number = 12,
            total_amount = 1,
            items = new object[]
            {
                new { menu_item_id = store.Latte, quantity = 2, unit_price = 1, price = 1, line_total = 2 },
                new { menu_item_id = store.Tea, quantity = 1, unit_price = 0, name = "Free tea" },
            },
            special_requests = "  No sugar ",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.ReadJsonAsync();
        Assert.Equal($"/api/v1/orders/{order.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal([(store.Latte, "Latte", 2, 4_500L, 9_000L), (store.Tea, "Tea", 1, 3_000L, 3_000L)],
            order.GetProperty("items").EnumerateArray().Select(i => (
                i.GetProperty("menu_item_id").GetString(), i.GetProperty("name").GetString(), i.GetProperty("quantity").GetInt32(),
                i.GetProperty("unit_price").GetInt64(), i.GetProperty("line_total").GetInt64())));
        Assert.Equal(12_000, order.GetProperty("total_amount").GetInt64());
        Assert.Equal("pending", order.GetProperty("status").GetString());
        Assert.Equal("unpaid", order.GetProperty("payment_status").GetString());
        Assert.Equal("12", order.GetProperty("table_number").GetString());
        Assert.Equal("No sugar", order.GetProperty("special_requests").GetString());
        Assert.Equal(customer.Id, order.GetProperty("customer_id").GetString());
        Assert.Equal(store.Id, order.GetProperty("store_id").GetString());
        Assert.Equal(JsonValueKindNull, order.GetProperty("estimated_ready_at").ValueKind);
        Assert.Matches(OrderNumber(), order.GetProperty("order_number").GetString());
    }

    [Fact]
    public async Task NewStoresAndOrdersGetTimeOrderedIds()
    {
        // Version 7 UUIDs: new rows go to the right edge of the id indexes (docs/performance.md, "Time-ordered ids").
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        var order = await customer.PlaceOrderAsync(store);

        Assert.Equal(7, Guid.Parse(store.Id).Version);
        Assert.Equal(7, Guid.Parse(order.Id()).Version);
    }

    [Fact]
    public async Task OrderNumbersCountUpPerStore()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        var otherStore = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        var numbers = new List<string?>();
        foreach (var target in new[] { store, store, otherStore, store })
        {
            numbers.Add((await customer.PlaceOrderAsync(target)).GetProperty("order_number").GetString());
        }

        Assert.Equal(["A001", "A002", "A001", "A003"], numbers);
    }

    [Fact]
    public async Task UnknownAndUnavailableItemsAreA400NamingThem()
    {
        var store = await api.AnyStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        using var response = await customer.PostOrderAsync(new
        {
            store_id = store.Id,
            items = new object[]
            {
                new { menu_item_id = store.Latte, quantity = 1 },
                new { menu_item_id = "ghost-item", quantity = 1 },
                new { menu_item_id = store.Seasonal, quantity = 1 },
            },
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Contains("ghost-item", problem.FieldErrors("items[1].menu_item_id")[0], StringComparison.Ordinal);
        Assert.Contains("Seasonal", problem.FieldErrors("items[2].menu_item_id")[0], StringComparison.Ordinal);
        Assert.False(problem.GetProperty("errors").TryGetProperty("items[0].menu_item_id", out _));
    }

    [Theory]
    [InlineData(0, "items[0].quantity")]
    [InlineData(100, "items[0].quantity")]
    public async Task QuantitiesOutsideOneToNinetyNineAreRejected(int quantity, string field)
    {
        var store = await api.AnyStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        using var response = await customer.PostOrderAsync(new { store_id = store.Id, items = new[] { new { menu_item_id = store.Latte, quantity } } });

        (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors(field);
    }

    [Fact]
    public async Task AnOrderNeedsAKnownStoreAndSomeItems()
    {
        var store = await api.AnyStoreAsync();
        using var customer = api.As(await api.RegisterAsync());

        using var noItems = await customer.PostOrderAsync(new { store_id = store.Id, items = Array.Empty<object>() });
        using var noStore = await customer.PostOrderAsync(new { items = new[] { new { menu_item_id = store.Latte, quantity = 1 } } });
        using var unknownStore = await customer.PostOrderAsync(new { store_id = Guid.NewGuid().ToString(), items = new[] { new { menu_item_id = store.Latte, quantity = 1 } } });
        using var badTable = await customer.PostOrderAsync(new { store_id = store.Id, table_number = new { }, items = new[] { new { menu_item_id = store.Latte, quantity = 1 } } });

        (await noItems.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("items");
        (await noStore.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("store_id");
        (await unknownStore.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("store_id");
        (await badTable.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("table_number");
    }

    [Fact]
    public async Task TheCustomerAndTheOwnerReadAnOrderAndAStrangerGetsNotFound()
    {
        var owner = await api.RegisterAsync();
        var customer = await api.RegisterAsync();
        var stranger = await api.RegisterAsync();
        var store = await api.StoreOfAsync(owner);
        using var asCustomer = api.As(customer);
        using var asStranger = api.As(stranger);
        using var nobody = api.Factory.CreateClient();
        var order = await asCustomer.PlaceOrderAsync(store);

        Assert.Equal(order.Id(), (await asCustomer.GetOrderAsync(order.Id())).Id());
        Assert.Equal(order.Id(), (await api.OrderAsSeenByAsync(owner, order.Id())).Id());
        using var byStranger = await asStranger.GetAsync($"/api/v1/orders/{order.Id()}");
        using var missing = await asStranger.GetAsync($"/api/v1/orders/{Guid.NewGuid()}");
        using var anonymous = await nobody.GetAsync($"/api/v1/orders/{order.Id()}");

        var hidden = await byStranger.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var absent = await missing.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(absent.GetProperty("detail").GetString(), hidden.GetProperty("detail").GetString());
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task ANewOrderIsAnnouncedOnTheStoreAndEveryChangeOnTheOrder()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);

        foreach (var action in new[] { "accept", "ready", "complete" })
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.ActAsync(order.Id(), action)).StatusCode);
        }

        var orderEvents = await api.Factory.EventsAsync($"order:{order.Id()}");
        var storeEvents = await api.Factory.EventsAsync($"store:{store.Id}");
        Assert.Equal(["pending", "accepted", "ready", "completed"], orderEvents.Select(e => e.Status));
        Assert.All(orderEvents, e => Assert.Equal("order.status", e.Type));
        Assert.Equal([1L, 2, 3, 4], orderEvents.Select(e => e.Seq));
        var boardEvents = storeEvents.Where(e => e.Type.StartsWith("order.", StringComparison.Ordinal)).ToList();
        Assert.Equal([("order.created", "pending"), ("order.status", "accepted"), ("order.status", "ready"), ("order.status", "completed")],
            boardEvents.Select(e => (e.Type, e.Status)));
        Assert.Equal(order.GetProperty("order_number").GetString(), boardEvents[0].Data.GetProperty("order_number").GetString());
    }

    [Fact]
    public async Task AcceptingTellsTheCustomerWhenTheOrderWillBeReady()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);

        using var accepted = await owner.PostJsonAsync($"/api/v1/orders/{order.Id()}/accept", new { estimated_minutes = 20 });
        using var tooLong = await owner.PostJsonAsync($"/api/v1/orders/{(await customer.PlaceOrderAsync(store)).Id()}/accept", new { estimated_minutes = 241 });

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var view = await accepted.ReadJsonAsync();
        var estimated = view.GetProperty("estimated_ready_at").GetDateTimeOffset();
        Assert.Equal(view.GetProperty("updated_at").GetDateTimeOffset().AddMinutes(20), estimated);
        Assert.Equal(estimated, (await customer.GetOrderAsync(order.Id())).GetProperty("estimated_ready_at").GetDateTimeOffset());
        (await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("estimated_minutes");
    }

    [Fact]
    public async Task TheOwnerListsTheStoresOrdersByStatusPagedAndNobodyElseCan()
    {
        var owner = await api.RegisterAsync();
        var store = await api.StoreOfAsync(owner);
        var customer = await api.RegisterAsync();
        using var asCustomer = api.As(customer);
        var orders = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            orders.Add((await asCustomer.PlaceOrderAsync(store)).Id());
        }
        using var asOwner = api.As(owner);
        await asOwner.ActAsync(orders[0], "accept");
        await asOwner.ActAsync(orders[1], "reject");

        var pending = await (await asOwner.GetAsync($"/api/v1/stores/{store.Id}/orders?status=pending&limit=1")).ReadJsonAsync();
        var all = await (await asOwner.GetAsync($"/api/v1/stores/{store.Id}/orders?sort=created_at:asc")).ReadJsonAsync();
        var accepted = await (await asOwner.GetAsync($"/api/v1/stores/{store.Id}/orders?status=accepted")).ReadJsonAsync();
        using var byCustomer = await asCustomer.GetAsync($"/api/v1/stores/{store.Id}/orders");
        using var badStatus = await asOwner.GetAsync($"/api/v1/stores/{store.Id}/orders?status=eaten");

        Assert.Equal([orders[3]], pending.GetProperty("data").EnumerateArray().Select(o => o.Id()));
        Assert.Equal(2, pending.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.True(pending.GetProperty("pagination").GetProperty("has_next").GetBoolean());
        Assert.Equal(orders, all.GetProperty("data").EnumerateArray().Select(o => o.Id()));
        Assert.Equal([orders[0]], accepted.GetProperty("data").EnumerateArray().Select(o => o.Id()));
        await byCustomer.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        (await badStatus.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("status");
    }

    [Fact]
    public async Task ACustomerListsTheirOwnOrdersOnly()
    {
        var store = await api.AnyStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        using var other = api.As(await api.RegisterAsync());
        var first = await customer.PlaceOrderAsync(store);
        var second = await customer.PlaceOrderAsync(store);
        await other.PlaceOrderAsync(store);
        Assert.Equal(HttpStatusCode.OK, (await customer.ActAsync(first.Id(), "cancel")).StatusCode);

        var mine = await (await customer.GetAsync("/api/v1/orders")).ReadJsonAsync();
        var cancelled = await (await customer.GetAsync("/api/v1/orders?status=cancelled")).ReadJsonAsync();

        Assert.Equal([second.Id(), first.Id()], mine.GetProperty("data").EnumerateArray().Select(o => o.Id()));
        Assert.Equal(2, mine.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.Equal([first.Id()], cancelled.GetProperty("data").EnumerateArray().Select(o => o.Id()));
    }

    [Fact]
    public async Task AViewerReadsButPlacesNoOrders()
    {
        var store = await api.AnyStoreAsync();
        using var viewer = api.As(await api.RegisterViewerAsync());

        using var place = await viewer.PostOrderAsync(OrderFlows.StandardOrder(store));
        using var list = await viewer.GetAsync("/api/v1/orders");

        await place.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [GeneratedRegex("^A[0-9]{3,}$")]
    private static partial Regex OrderNumber();
}
