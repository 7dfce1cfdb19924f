using System.Net;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Orders;
using OrleansHub.Api.Tests.Payments.Support;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Payments;

/// <summary>Payments across silo restarts, configuration changes and time: each test runs its own silos.</summary>
public sealed class PaymentLifecycleTests
{
    [Fact]
    public async Task ARestartBetweenTheGatewaysChargeAndTheAnswerLosesNothingAndChargesOnce()
    {
        await using var toss = await FakeTossServer.StartAsync();
        var database = await PostgresServer.CreateDatabaseAsync();
        SignedInUser owner, customer;
        string orderId, key;
        long total;
        var first = new ApiFactory(database, OrderApiFixture.Settings(toss));
        try
        {
            first.StartServer();
            await first.RegisterAsync("first-admin");
            owner = await first.RegisterAsync();
            customer = await first.RegisterAsync();
            using var asOwner = first.As(owner);
            var store = await asOwner.CreateStoreAsync();
            using var asCustomer = first.As(customer);
            var order = await asCustomer.PlaceOrderAsync(store);
            (orderId, total) = (order.Id(), order.Total());
            key = await asCustomer.AuthorizedPaymentAsync(toss, order);

            // The gateway charges, then the connection dies before its answer arrives; the silo goes down
            // while the customer's confirm is still in flight.
            var charged = toss.DropNextAnswerAfterCharging();
            var confirm = asCustomer.ConfirmAsync(orderId, key, total);
            await charged;
            await first.DisposeAsync();
            await AssertNotPaidAsync(confirm);
        }
        finally
        {
            await first.DisposeAsync();
        }
        Assert.Equal(1, toss.Charges);

        await using var second = new ApiFactory(database, OrderApiFixture.Settings(toss, SameSigningKey(first)));
        second.StartServer();
        using var retrying = second.As(customer);
        using var retried = await retrying.ConfirmAsync(orderId, key, total);
        using var repeated = await retrying.ConfirmAsync(orderId, key, total);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("paid", (await retried.ReadJsonAsync()).GetProperty("payment_status").GetString());
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        Assert.Equal(1, toss.Charges);
        Assert.Equal(2, toss.Calls.Count);
        Assert.Single(toss.Calls.Select(c => c.IdempotencyKey).Distinct());
        using var asOwnerAgain = second.As(owner);
        Assert.Equal("paid", (await asOwnerAgain.GetOrderAsync(orderId)).GetProperty("payment_status").GetString());
        Assert.Equal(["pending", "confirming", "paid"],
            (await second.EventsAsync($"order:{orderId}")).Where(e => e.Type == "order.payment").Select(e => e.Status));
    }

    [Fact]
    public async Task AConfirmationCutShortIsFinishedByThePaymentReminderOnTheNextSilo()
    {
        await using var toss = await FakeTossServer.StartAsync();
        var database = await PostgresServer.CreateDatabaseAsync();
        var first = new ApiFactory(database, OrderApiFixture.Settings(toss, new Dictionary<string, string?>
        {
            ["Payments:Expiry"] = "00:00:01",
        }));
        string orderId;
        await using (first)
        {
            first.StartServer();
            await first.RegisterAsync("first-admin");
            using var owner = first.As(await first.RegisterAsync());
            var store = await owner.CreateStoreAsync();
            using var customer = first.As(await first.RegisterAsync());
            var order = await customer.PlaceOrderAsync(store);
            orderId = order.Id();
            var key = await customer.AuthorizedPaymentAsync(toss, order);
            var charged = toss.DropNextAnswerAfterCharging();
            using var cut = await customer.ConfirmAsync(orderId, key, order.Total());
            await charged;
            await cut.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        }

        await using var second = new ApiFactory(database, OrderApiFixture.Settings(toss, new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = first.Settings["Auth:SigningKey"],
            ["Reminders:MinimumReminderPeriod"] = "00:00:00.100",
        }));
        second.StartServer();
        await using var events = await LiveEvents.FollowAsync(second, $"order:{orderId}");
        var paid = await events.UntilAsync("order.payment", data => data.GetProperty("status").GetString() == "paid");

        Assert.Equal("paid", paid.GetProperty("payment_status").GetString());
        Assert.Equal(1, toss.Charges);
        Assert.Equal(2, toss.Calls.Count);
    }

    [Fact]
    public async Task WithoutAGatewayTheSiloStartsAndPaymentsAnswerServiceUnavailable()
    {
        await using var toss = await FakeTossServer.StartAsync();
        var database = await PostgresServer.CreateDatabaseAsync();
        SignedInUser customer;
        string orderId, key;
        long total;
        var configured = new ApiFactory(database, OrderApiFixture.Settings(toss));
        await using (configured)
        {
            configured.StartServer();
            await configured.RegisterAsync("first-admin");
            using var owner = configured.As(await configured.RegisterAsync());
            var store = await owner.CreateStoreAsync();
            customer = await configured.RegisterAsync();
            using var asCustomer = configured.As(customer);
            var order = await asCustomer.PlaceOrderAsync(store);
            (orderId, total) = (order.Id(), order.Total());
            key = await asCustomer.AuthorizedPaymentAsync(toss, order);
        }

        await using var unconfigured = new ApiFactory(database, OrderApiFixture.Settings(toss: null, SameSigningKey(configured)));
        unconfigured.StartServer();
        using var client = unconfigured.As(customer);
        using var confirm = await client.ConfirmAsync(orderId, key, total);
        using var otherOrder = await client.PostJsonAsync($"/api/v1/orders/{orderId}/payments", new { method = "transfer" });

        var problem = await confirm.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
        Assert.Contains("Payments:Gateway", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(toss.Calls);
        Assert.Equal("pending", (await client.GetOrderAsync(orderId)).GetProperty("payment_status").GetString());
        await otherOrder.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT"); // the card payment is still pending
    }

    [Fact]
    public async Task AnUnconfirmedPaymentExpiresAndCannotBeConfirmedAfterwards()
    {
        await using var toss = await FakeTossServer.StartAsync();
        await using var silo = await FastRemindersSiloAsync(toss, new() { ["Payments:Expiry"] = "00:00:00.300" });
        using var owner = silo.As(await silo.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = silo.As(await silo.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        await using var events = await LiveEvents.FollowAsync(silo, $"order:{order.Id()}");

        var key = await customer.AuthorizedPaymentAsync(toss, order);
        var expired = await events.UntilAsync("order.payment", data => data.GetProperty("status").GetString() == "expired");
        using var late = await customer.ConfirmAsync(order.Id(), key, order.Total());
        var fresh = await customer.InitiateAsync(order.Id());

        Assert.Equal("unpaid", expired.GetProperty("payment_status").GetString());
        await late.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Empty(toss.Calls);
        Assert.NotEqual(key, fresh.GetProperty("payment_key").GetString());
    }

    [Fact]
    public async Task ARefundTheProviderCouldNotTakeIsAskedForAgainByThePaymentReminder()
    {
        await using var toss = await FakeTossServer.StartAsync();
        await using var silo = await FastRemindersSiloAsync(toss, []);
        using var owner = silo.As(await silo.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = silo.As(await silo.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        await customer.PaidAsync(toss, order);
        await using var events = await LiveEvents.FollowAsync(silo, $"order:{order.Id()}");
        toss.FailCancels(true);

        using var rejected = await owner.PostJsonAsync($"/api/v1/orders/{order.Id()}/reject", new { reason = "Out of milk" });
        var requested = await events.UntilAsync("order.payment", data => data.GetProperty("status").GetString() == "refunded");
        var callsWhileFailing = toss.CancelCalls.Count;
        toss.FailCancels(false);
        var done = await events.UntilAsync("order.payment",
            data => data.GetProperty("refund").GetProperty("status").GetString() == "done");

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("refunded", (await rejected.ReadJsonAsync()).GetProperty("payment_status").GetString());
        Assert.Equal("requested", requested.GetProperty("refund").GetProperty("status").GetString());
        Assert.True(callsWhileFailing >= 1);
        Assert.True(toss.CancelCalls.Count > callsWhileFailing);
        Assert.Single(toss.CancelCalls.Select(c => c.IdempotencyKey).Distinct());
        Assert.Equal(1, toss.Refunds);
        Assert.Equal("refunded", done.GetProperty("payment_status").GetString());
    }

    // A started silo on a new database whose reminders fire within a tenth of a second, its first admin registered.
    private static async Task<ApiFactory> FastRemindersSiloAsync(FakeTossServer toss, Dictionary<string, string?> extra)
    {
        extra["Reminders:MinimumReminderPeriod"] = "00:00:00.100";
        var silo = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), OrderApiFixture.Settings(toss, extra));
        silo.StartServer();
        await silo.RegisterAsync("first-admin");
        return silo;
    }

    // The next silo on the database accepts the tokens the first one issued.
    private static Dictionary<string, string?> SameSigningKey(ApiFactory previous) =>
        new() { ["Auth:SigningKey"] = previous.Settings["Auth:SigningKey"] };

    // The interrupted confirm ends without a "paid" answer: a 503, or the connection closed by the stopping silo.
    private static async Task AssertNotPaidAsync(Task<HttpResponseMessage> confirm)
    {
        try
        {
            using var response = await confirm;
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
        }
    }
}
