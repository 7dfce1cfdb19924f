using System.Net;
using System.Text.Json;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Orders;
using OrleansHub.Api.Tests.Payments.Support;

namespace OrleansHub.Api.Tests.Payments;

/// <summary>The payment steps of the customer's client: initiate, the payment window (the fake gateway), confirm.</summary>
public static class PaymentFlows
{
    public static async Task<JsonElement> InitiateAsync(this HttpClient customer, string orderId, string method = "card")
    {
        using var response = await customer.PostJsonAsync($"/api/v1/orders/{orderId}/payments", new { method });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static Task<HttpResponseMessage> ConfirmAsync(this HttpClient customer, string orderId, string paymentKey, long amount) =>
        customer.PostJsonAsync("/api/v1/payments/confirm", new { payment_key = paymentKey, order_id = orderId, amount });

    /// <summary>Initiates a payment of the whole order and passes the payment window; returns the payment key.</summary>
    public static async Task<string> AuthorizedPaymentAsync(this HttpClient customer, FakeTossServer toss, JsonElement order)
    {
        var payment = await customer.InitiateAsync(order.Id());
        var key = payment.GetProperty("payment_key").GetString()!;
        toss.Authorize(key, order.Id(), order.GetProperty("total_amount").GetInt64());
        return key;
    }

    /// <summary>Pays the whole order (initiate, payment window, confirm answered 200); returns the payment key.</summary>
    public static async Task<string> PaidAsync(this HttpClient customer, FakeTossServer toss, JsonElement order)
    {
        var key = await customer.AuthorizedPaymentAsync(toss, order);
        using var paid = await customer.ConfirmAsync(order.Id(), key, order.Total());
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        return key;
    }

    public static long Total(this JsonElement order) => order.GetProperty("total_amount").GetInt64();
}
