using System.Net;
using System.Text;
using System.Text.Json;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Orders;
using OrleansHub.Api.Tests.Payments.Support;

namespace OrleansHub.Api.Tests.Payments;

public sealed class PaymentApiTests(OrderApiFixture api) : IClassFixture<OrderApiFixture>
{
    [Fact]
    public async Task ACustomerPaysThroughTheGatewayAndARepeatedConfirmChargesOnce()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var chargesBefore = api.Toss.Charges;

        var payment = await customer.InitiateAsync(order.Id());
        var key = payment.GetProperty("payment_key").GetString()!;
        api.Toss.Authorize(key, order.Id(), order.Total());
        using var confirmed = await customer.ConfirmAsync(order.Id(), key, order.Total());
        using var again = await customer.ConfirmAsync(order.Id(), key, order.Total());

        Assert.Equal(12_000, payment.GetProperty("amount").GetInt64());
        Assert.Equal("pending", payment.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(payment.GetProperty("payment_id").GetString()));
        Assert.True(payment.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(5));
        foreach (var response in new[] { confirmed, again })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.ReadJsonAsync();
            Assert.Equal(order.Id(), body.GetProperty("order_id").GetString());
            Assert.Equal("paid", body.GetProperty("payment_status").GetString());
        }
        Assert.Equal(chargesBefore + 1, api.Toss.Charges);
        Assert.Equal("paid", (await owner.GetOrderAsync(order.Id())).GetProperty("payment_status").GetString());
        var payments = (await api.Factory.EventsAsync($"order:{order.Id()}")).Where(e => e.Type == "order.payment").ToList();
        Assert.Equal(["pending", "confirming", "paid"], payments.Select(e => e.Status));
        Assert.Equal(["pending", "pending", "paid"], payments.Select(e => e.Data.GetProperty("payment_status").GetString()));
        Assert.Equal(3, (await api.Factory.EventsAsync($"store:{store.Id}")).Count(e => e.Type == "order.payment"));
    }

    [Fact]
    public async Task TheGatewayIsSpokenToInTheTossProtocol()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var payment = await customer.InitiateAsync(order.Id());
        var key = payment.GetProperty("payment_key").GetString()!;
        api.Toss.Authorize(key, order.Id(), order.Total());

        using var confirmed = await customer.ConfirmAsync(order.Id(), key, order.Total());

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var call = api.Toss.Calls.Last();
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(FakeTossServer.SecretKey + ":")), call.Authorization);
        Assert.Equal("confirm-" + payment.GetProperty("payment_id").GetString(), call.IdempotencyKey);
        Assert.Equal("application/json", call.ContentType?.Split(';')[0]);
        var body = JsonDocument.Parse(call.Body).RootElement;
        Assert.Equal(["amount", "orderId", "paymentKey"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(key, body.GetProperty("paymentKey").GetString());
        Assert.Equal(order.Id(), body.GetProperty("orderId").GetString());
        Assert.Equal(12_000, body.GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task AnAmountOtherThanTheTotalIsAConflictAndChangesNothing()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var key = await customer.AuthorizedPaymentAsync(api.Toss, order);
        var callsBefore = api.Toss.Calls.Count;
        var eventsBefore = await api.Factory.EventsAsync($"order:{order.Id()}");

        using var tooLittle = await customer.ConfirmAsync(order.Id(), key, order.Total() - 1);
        using var tooMuch = await customer.ConfirmAsync(order.Id(), key, order.Total() + 1);

        await tooLittle.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        await tooMuch.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(callsBefore, api.Toss.Calls.Count);
        Assert.Equal(eventsBefore.Count, (await api.Factory.EventsAsync($"order:{order.Id()}")).Count);
        Assert.Equal("pending", (await customer.GetOrderAsync(order.Id())).GetProperty("payment_status").GetString());
        using var right = await customer.ConfirmAsync(order.Id(), key, order.Total());
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task OnlyTheCustomerPaysAndAWrongKeyFindsNothing()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        using var stranger = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var key = await customer.AuthorizedPaymentAsync(api.Toss, order);

        using var ownerInitiates = await owner.PostJsonAsync($"/api/v1/orders/{order.Id()}/payments", new { method = "card" });
        using var strangerInitiates = await stranger.PostJsonAsync($"/api/v1/orders/{order.Id()}/payments", new { method = "card" });
        using var strangerConfirms = await stranger.ConfirmAsync(order.Id(), key, order.Total());
        using var wrongKey = await customer.ConfirmAsync(order.Id(), "pay_guessed", order.Total());
        using var noAmount = await customer.PostJsonAsync("/api/v1/payments/confirm", new { payment_key = key, order_id = order.Id() });
        using var badMethod = await customer.PostJsonAsync($"/api/v1/orders/{order.Id()}/payments", new { method = "seashells" });

        await ownerInitiates.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await strangerInitiates.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await strangerConfirms.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await wrongKey.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        (await noAmount.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("amount");
        (await badMethod.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR")).FieldErrors("method");
    }

    [Fact]
    public async Task InitiatingAgainHandsOutTheSamePendingPayment()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);

        var first = await customer.InitiateAsync(order.Id());
        var second = await customer.InitiateAsync(order.Id());
        using var otherMethod = await customer.PostJsonAsync($"/api/v1/orders/{order.Id()}/payments", new { method = "transfer" });

        Assert.Equal(first.GetProperty("payment_key").GetString(), second.GetProperty("payment_key").GetString());
        await otherMethod.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task ADeclinedPaymentIsAConflictAndTheCustomerMayPayAgain()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var key = await customer.AuthorizedPaymentAsync(api.Toss, order);
        api.Toss.Decline(key);

        using var declined = await customer.ConfirmAsync(order.Id(), key, order.Total());
        using var repeated = await customer.ConfirmAsync(order.Id(), key, order.Total());
        var retry = await customer.InitiateAsync(order.Id());

        var problem = await declined.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Contains("REJECT_CARD_PAYMENT", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await repeated.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.NotEqual(key, retry.GetProperty("payment_key").GetString());
        Assert.Equal("pending", (await customer.GetOrderAsync(order.Id())).GetProperty("payment_status").GetString());
        Assert.Contains(await api.Factory.EventsAsync($"order:{order.Id()}"),
            e => e.Type == "order.payment" && e.Status == "failed" && e.Data.GetProperty("failure_code").GetString() == "REJECT_CARD_PAYMENT");
    }

    [Fact]
    public async Task RejectingAPaidOrderRefundsTheChargeAtTheProvider()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var key = await customer.PaidAsync(api.Toss, order);

        using var rejected = await owner.PostJsonAsync($"/api/v1/orders/{order.Id()}/reject", new { reason = "Out of milk" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var view = await rejected.ReadJsonAsync();
        Assert.Equal("rejected", view.GetProperty("status").GetString());
        Assert.Equal("refunded", view.GetProperty("payment_status").GetString());
        Assert.Equal("Out of milk", view.GetProperty("status_reason").GetString());
        var payments = (await api.Factory.EventsAsync($"order:{order.Id()}")).Where(e => e.Type == "order.payment").ToList();
        var refunds = payments.Where(e => e.Status == "refunded").Select(e => e.Data.GetProperty("refund")).ToList();
        Assert.Equal(["requested", "done"], refunds.Select(r => r.GetProperty("status").GetString()));
        Assert.All(refunds, r => Assert.Equal(12_000, r.GetProperty("amount").GetInt64()));
        Assert.All(refunds, r => Assert.Equal("Out of milk", r.GetProperty("reason").GetString()));
        var call = Assert.Single(api.Toss.CancelCalls, c => c.PaymentKey == key);
        Assert.Equal("cancel-" + payments[0].Data.GetProperty("payment_id").GetString(), call.IdempotencyKey);
        Assert.Contains("Out of milk", call.Body, StringComparison.Ordinal);
        using var confirmAfter = await customer.ConfirmAsync(order.Id(), key, order.Total());
        await confirmAfter.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task ARefundTheProviderRefusesIsRecordedAsFailedWithItsCode()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var key = await customer.PaidAsync(api.Toss, order);
        api.Toss.RefuseCancel(key);

        using var cancelled = await customer.ActAsync(order.Id(), "cancel");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("refunded", (await cancelled.ReadJsonAsync()).GetProperty("payment_status").GetString());
        var refund = (await api.Factory.EventsAsync($"order:{order.Id()}")).Last(e => e.Type == "order.payment").Data.GetProperty("refund");
        Assert.Equal("failed", refund.GetProperty("status").GetString());
        Assert.Equal("NOT_CANCELABLE_PAYMENT", refund.GetProperty("failure_code").GetString());
        Assert.Single(api.Toss.CancelCalls, c => c.PaymentKey == key);
    }

    [Fact]
    public async Task ACancelledOrderCannotBePaidAndItsPendingPaymentIsVoid()
    {
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var key = await customer.AuthorizedPaymentAsync(api.Toss, order);
        var chargesBefore = api.Toss.Charges;

        using var cancelled = await customer.ActAsync(order.Id(), "cancel");
        using var confirm = await customer.ConfirmAsync(order.Id(), key, order.Total());
        using var initiate = await customer.PostJsonAsync($"/api/v1/orders/{order.Id()}/payments", new { method = "card" });

        Assert.Equal("unpaid", (await cancelled.ReadJsonAsync()).GetProperty("payment_status").GetString());
        await confirm.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        await initiate.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(chargesBefore, api.Toss.Charges);
    }
}
