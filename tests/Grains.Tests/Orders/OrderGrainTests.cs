using Npgsql;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.Outbox.EventLog;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Orders;

/// <summary>
/// Orders and stores on a real silo and PostgreSQL: numbering, idempotent creates, the durable pending timeout.
/// Tests without a restart or reminders share one silo (<see cref="OrderSilo"/>), each with its own store.
/// </summary>
public sealed class OrderGrainTests(OrderGrainTests.OrderSilo shared) : IClassFixture<OrderGrainTests.OrderSilo>
{
    private static readonly Dictionary<string, string?> FastReminders = new()
    {
        ["Reminders:MinimumReminderPeriod"] = "00:00:00.100",
        ["Orders:PendingTimeout"] = "00:00:00.300",
    };

    public sealed class OrderSilo : DomainSiloFixture;

    [Fact]
    public async Task ConcurrentOrdersOfOneStoreGetDistinctConsecutiveNumbers()
    {
        var grains = shared.Silo.Grains;
        await OpenStoreAsync(grains, "busy");

        var orders = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => PlaceAsync(grains, $"busy-{i}", "busy")));

        Assert.Equal(Enumerable.Range(1, 30).Select(n => $"A{n:D3}"), orders.Select(o => o.OrderNumber).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NumbersContinueAfterARestartAndEachStoreCountsOnItsOwn()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await using (var first = await DomainSilo.StartAsync(database))
        {
            await OpenStoreAsync(first.Grains, "s1");
            await PlaceAsync(first.Grains, "o1", "s1");
            await PlaceAsync(first.Grains, "o2", "s1");
        }

        await using var second = await DomainSilo.StartAsync(database);
        await OpenStoreAsync(second.Grains, "s2");

        Assert.Equal("A003", (await PlaceAsync(second.Grains, "o3", "s1")).OrderNumber);
        Assert.Equal("A001", (await PlaceAsync(second.Grains, "o4", "s2")).OrderNumber);
    }

    [Fact]
    public async Task ABusyStoreReservesNumbersAheadAndGivesTheRestBackWhenItStops()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        const string Counter = "SELECT last_number FROM order_number_counters WHERE store_id = 's1'";
        await using (var first = await DomainSilo.StartAsync(database))
        {
            var store = await OpenStoreAsync(first.Grains, "s1");
            var day = DateOnly.FromDateTime(DateTime.UtcNow);
            var numbers = new List<int>();
            for (var i = 0; i < 10; i++)
            {
                numbers.Add(await store.TakeOrderNumberAsync(day));
            }

            Assert.Equal(Enumerable.Range(1, 10), numbers);
            Assert.True(await ScalarAsync<int>(database, Counter) > 10, "ranges grow while numbers go quickly");
        }

        // The silo stopped: the store activation gave back what it had not handed out.
        Assert.Equal(10, await ScalarAsync<int>(database, Counter));
        await using var second = await DomainSilo.StartAsync(database);
        Assert.Equal("A011", (await PlaceAsync(second.Grains, "o11", "s1")).OrderNumber);
    }

    [Fact]
    public async Task ConcurrentDuplicateCreatesOfOneOrderMakeOneOrder()
    {
        var grains = shared.Silo.Grains;
        await OpenStoreAsync(grains, "dupes");
        await using var board = await StreamRecorder.StartAsync(shared.Silo.Streams, new StreamId("store", "dupes"));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PlaceAsync(grains, "same", "dupes")));
        await PlaceAsync(grains, "marker", "dupes");
        await board.UntilAsync("order.created", data => data.GetProperty("id").GetString() == "marker");

        Assert.Single(results.Select(r => (r.Id, r.OrderNumber, r.CreatedAt)).Distinct());
        Assert.Equal(["same", "marker"], board.Seen.Where(e => e.Type == "order.created").Select(e => e.Data.GetProperty("id").GetString()));
        Assert.Equal(2L, await ScalarAsync(shared.ConnectionString, "SELECT count(*) FROM orders WHERE store_id = 'dupes'"));
        await Assert.ThrowsAsync<ConflictException>(() => PlaceAsync(grains, "same", "dupes", quantity: 5));
    }

    [Fact]
    public async Task APendingOrderNobodyAcceptsIsCancelledByItsReminder()
    {
        await using var silo = await DomainSilo.StartAsync(await PostgresServer.CreateDatabaseAsync(), FastReminders);
        await OpenStoreAsync(silo.Grains, "s1");
        await using var events = await StreamRecorder.StartAsync(silo.Streams, new StreamId("order", "o1"));

        await PlaceAsync(silo.Grains, "o1", "s1");
        var cancelled = await events.UntilStatusAsync(OrderStatuses.Cancelled);

        Assert.Equal("Not accepted in time.", cancelled.GetProperty("status_reason").GetString());
        Assert.Equal([OrderStatuses.Pending, OrderStatuses.Cancelled], events.Seen.Select(e => e.Data.GetProperty("status").GetString()));
        Assert.Equal(OrderStatuses.Cancelled, (await silo.Grains.GetGrain<IOrderGrain>("o1").GetAsync("customer")).Status);
    }

    [Fact]
    public async Task AnAcceptedOrderIsNotCancelledByTheTimeout()
    {
        await using var silo = await DomainSilo.StartAsync(await PostgresServer.CreateDatabaseAsync(), FastReminders);
        await OpenStoreAsync(silo.Grains, "s1");
        var order = silo.Grains.GetGrain<IOrderGrain>("o1");

        await PlaceAsync(silo.Grains, "o1", "s1");
        await order.AcceptAsync("owner", 10);
        await PlaceAsync(silo.Grains, "o2", "s1"); // a sibling whose timeout firing shows reminders ran after the accept
        await using var sibling = await StreamRecorder.StartAsync(silo.Streams, new StreamId("order", "o2"));
        await sibling.UntilStatusAsync(OrderStatuses.Cancelled);

        Assert.Equal(OrderStatuses.Accepted, (await order.GetAsync("owner")).Status);
        Assert.Empty(await silo.RemindersOfAsync("order", "o1"));
    }

    // A timeout longer than the reminder service's refresh commits with the order as a row of Orleans' reminder table.
    private static readonly Dictionary<string, string?> TimeoutWithTheWrite = new()
    {
        ["Reminders:MinimumReminderPeriod"] = "00:00:00.100",
        ["Reminders:RefreshReminderListPeriod"] = "00:00:00.500",
        ["Reminders:ReminderLoadingWindow"] = "00:00:01",
        ["Orders:PendingTimeout"] = "00:00:01",
    };

    [Fact]
    public async Task ATimeoutCommittedWithTheOrderIsLoadedByTheReminderServiceAndCancelsIt()
    {
        await using var silo = await DomainSilo.StartAsync(await PostgresServer.CreateDatabaseAsync(), TimeoutWithTheWrite);
        await OpenStoreAsync(silo.Grains, "s1");
        await using var events = await StreamRecorder.StartAsync(silo.Streams, new StreamId("order", "o1"));

        await PlaceAsync(silo.Grains, "o1", "s1");
        Assert.Equal(["pending-timeout"], await silo.RemindersOfAsync("order", "o1"));
        var cancelled = await events.UntilStatusAsync(OrderStatuses.Cancelled);

        Assert.Equal("Not accepted in time.", cancelled.GetProperty("status_reason").GetString());
    }

    [Fact]
    public async Task AcceptingRemovesTheTimeoutRowInItsOwnWrite()
    {
        await using var silo = await DomainSilo.StartAsync(await PostgresServer.CreateDatabaseAsync(), TimeoutWithTheWrite);
        await OpenStoreAsync(silo.Grains, "s1");
        var order = silo.Grains.GetGrain<IOrderGrain>("o1");

        await PlaceAsync(silo.Grains, "o1", "s1");
        Assert.Equal(["pending-timeout"], await silo.RemindersOfAsync("order", "o1"));
        await order.AcceptAsync("owner", 10);
        Assert.Empty(await silo.RemindersOfAsync("order", "o1"));
        await PlaceAsync(silo.Grains, "o2", "s1"); // a sibling whose timeout firing shows reminders ran after the accept
        await using var sibling = await StreamRecorder.StartAsync(silo.Streams, new StreamId("order", "o2"));
        await sibling.UntilStatusAsync(OrderStatuses.Cancelled);

        Assert.Equal(OrderStatuses.Accepted, (await order.GetAsync("owner")).Status);
    }

    [Fact]
    public async Task ThePendingTimeoutIsDurableAndFiresOnTheNextSiloAfterARestart()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        // Due once the first silo has stopped: the reminder outlives it in Orleans' reminder table.
        var dueAfterTheStop = new Dictionary<string, string?>(FastReminders) { ["Orders:PendingTimeout"] = "00:00:05" };
        await using (var first = await DomainSilo.StartAsync(database, dueAfterTheStop))
        {
            await OpenStoreAsync(first.Grains, "s1");
            await PlaceAsync(first.Grains, "o1", "s1");
            Assert.Equal(["pending-timeout"], await first.RemindersOfAsync("order", "o1"));
        }
        Assert.Equal("pending", await ScalarAsync<string>(database, "SELECT status FROM orders WHERE id = 'o1'"));

        await using var second = await DomainSilo.StartAsync(database, FastReminders);
        await using var events = await StreamRecorder.StartAsync(second.Streams, new StreamId("order", "o1"));
        await events.UntilStatusAsync(OrderStatuses.Cancelled);

        Assert.Equal("cancelled", await ScalarAsync<string>(database, "SELECT status FROM orders WHERE id = 'o1'"));
    }

    [Fact]
    public async Task TheMenuIsServedFromTheActivationNotReadFromTheDatabase()
    {
        var store = await OpenStoreAsync(shared.Silo.Grains, "menu");

        Assert.Equal(1L, await ScalarAsync(
            shared.ConnectionString, "WITH d AS (DELETE FROM grain_state WHERE grain_type = 'store' AND grain_key = 'menu' RETURNING 1) SELECT count(*) FROM d"));
        var menu = await store.GetMenuAsync();

        Assert.Equal(["latte", "tea"], menu.Categories.Single().Items.Select(i => i.Id));
    }

    [Fact]
    public async Task AFinishedOrderLeavesMemoryAndComesBackFromStorageWhenRead()
    {
        var silo = shared.Silo;
        await OpenStoreAsync(silo.Grains, "memory");
        await PlaceAsync(silo.Grains, "open", "memory");
        await PlaceAsync(silo.Grains, "done", "memory");
        var done = silo.Grains.GetGrain<IOrderGrain>("done");
        await done.AcceptAsync("owner", 5);
        await done.MarkReadyAsync("owner");
        await done.CompleteAsync("owner");

        await silo.WaitForActivationsAsync("order", ["done"], 0);
        Assert.Equal(1, await silo.ActivationsOfAsync("order", ["open"])); // the pending order stays

        var reread = await done.GetAsync("customer");
        Assert.Equal(OrderStatuses.Completed, reread.Status);
        Assert.Equal("A002", reread.OrderNumber);
        Assert.Equal(2, await silo.ActivationsOfAsync("order", ["open", "done"]));
        await Assert.ThrowsAsync<ConflictException>(() => done.CancelAsync("customer"));
    }

    private static async Task<IStoreGrain> OpenStoreAsync(IGrainFactory grains, string id)
    {
        var store = grains.GetGrain<IStoreGrain>(id);
        await store.CreateAsync(new CreateStore("owner", "Cafe " + id));
        await store.UpdateMenuAsync("owner", new UpdateMenu([
            new MenuCategoryInput("Drinks", [new MenuItemInput("latte", "Latte", 4_500, null, true), new MenuItemInput("tea", "Tea", 3_000, null, true)]),
        ]));
        return store;
    }

    private static Task<OrderView> PlaceAsync(IGrainFactory grains, string id, string storeId, int quantity = 1) =>
        grains.GetGrain<IOrderGrain>(id).CreateAsync(new CreateOrder("customer", storeId, null, [new OrderLineRequest("latte", quantity)], null, null));

    private static Task<long> ScalarAsync(string database, string sql) => ScalarAsync<long>(database, sql);

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var command = source.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
