using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Payments;

/// <summary>
/// The local test payment gateway (docs/orders.md, "The local test gateway") as an operator meets it: a real silo process
/// on its embedded database takes a payment end to end without any configuration; with a gateway configured, the same
/// silo asks that gateway and serves no test gateway at all. (An external database without a gateway answers 503:
/// tests/Api.Tests/Payments/PaymentLifecycleTests.)
/// </summary>
public sealed class TestPaymentGatewayTests
{
    // A bound, not an expectation: initdb on a busy two-core machine can take a while.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private const string ActiveWarning = "TEST payment gateway active at /test-gateway";

    [Fact]
    public async Task OnTheEmbeddedDefaultAnOrderIsPaidThroughTheTestGateway()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string?>());
        (await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();

        using var order = await PlaceOrderAsync(silo.BaseAddress);
        var payment = await order.InitiatePaymentAsync();
        using var confirmed = await order.ConfirmAsync(payment);

        Assert.Equal(9_000, payment.GetProperty("amount").GetInt64());
        Assert.True(payment.GetProperty("test").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var confirmation = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("paid", confirmation.GetProperty("payment_status").GetString());
        Assert.True(confirmation.GetProperty("test").GetBoolean());
        var stored = await order.Customer.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{order.Id}");
        Assert.Equal("paid", stored.GetProperty("payment_status").GetString());
        Assert.Contains(ActiveWarning, silo.Output, StringComparison.Ordinal);
        Assert.Contains($"TEST payment gateway approved order {order.Id}", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTestGatewayAnswersOnlyTheSilosOwnKey()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string?>());
        (await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();
        using var outsider = new HttpClient { BaseAddress = silo.BaseAddress };
        var body = new { paymentKey = "pay_x", orderId = "order-1", amount = 1000 };

        using var anonymous = await outsider.PostAsJsonAsync("/test-gateway/v1/payments/confirm", body);
        outsider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("test_sk_guess:"u8.ToArray()));
        using var guessed = await outsider.PostAsJsonAsync("/test-gateway/v1/payments/confirm", body);

        foreach (var response in new[] { anonymous, guessed })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("UNAUTHORIZED_KEY", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        Assert.DoesNotContain("TEST payment gateway approved", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAGatewayConfiguredTheEmbeddedSiloAsksItAndServesNoTestGateway()
    {
        await using var provider = await RecordingGateway.StartAsync();
        await using var silo = SiloProcess.Start(new Dictionary<string, string?>
        {
            ["Payments__Gateway__BaseUrl"] = provider.BaseUrl,
            ["Payments__Gateway__SecretKey"] = "live_sk_configured",
        });
        (await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();

        using var order = await PlaceOrderAsync(silo.BaseAddress);
        var payment = await order.InitiatePaymentAsync();
        using var confirmed = await order.ConfirmAsync(payment);
        using var outsider = new HttpClient { BaseAddress = silo.BaseAddress };
        using var testGateway = await outsider.PostAsJsonAsync("/test-gateway/v1/payments/confirm", new { paymentKey = "pay_x", orderId = "o", amount = 1 });

        Assert.False(payment.TryGetProperty("test", out _));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var confirmation = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("paid", confirmation.GetProperty("payment_status").GetString());
        Assert.False(confirmation.TryGetProperty("test", out _));
        Assert.Equal([order.Id], provider.ConfirmedOrders);
        Assert.Equal(HttpStatusCode.NotFound, testGateway.StatusCode);
        Assert.DoesNotContain("TEST payment gateway", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APaymentOfTheConfiguredGatewayIsNeverSettledByTheTestGatewayAfterARestartWithoutIt()
    {
        await using var provider = await RecordingGateway.StartAsync();
        var signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var first = SiloProcess.Start(new Dictionary<string, string?>
        {
            ["Auth__SigningKey"] = signingKey,
            ["Payments__Gateway__BaseUrl"] = provider.BaseUrl,
            ["Payments__Gateway__SecretKey"] = "live_sk_configured",
        });
        PlacedOrder order;
        JsonElement payment;
        try
        {
            (await first.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();
            order = await PlaceOrderAsync(first.BaseAddress);
            payment = await order.InitiatePaymentAsync();
            await first.TerminateAsync();
            Assert.Equal(0, await first.WaitForExitAsync(StartTimeout));
        }
        catch
        {
            await first.DisposeAsync(); // the second silo, which would remove it, never started
            throw;
        }
        using var customer = order;

        // The same data, now without a gateway: the test gateway is active, but this payment is not its own.
        await using var second = SiloProcess.Restart(first, new Dictionary<string, string?> { ["Auth__SigningKey"] = signingKey });
        (await second.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();
        using var confirmed = await order.ConfirmAsync(payment);

        Assert.Contains(ActiveWarning, second.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, confirmed.StatusCode);
        Assert.Equal("SERVICE_UNAVAILABLE", (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var stored = await order.Customer.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{order.Id}");
        Assert.Equal("pending", stored.GetProperty("payment_status").GetString());
        Assert.DoesNotContain("TEST payment gateway approved", second.Output, StringComparison.Ordinal);
        Assert.Empty(provider.ConfirmedOrders);
    }

    /// <summary>An order and its customer's signed-in client, with the two calls a payment takes.</summary>
    private sealed record PlacedOrder(string Id, HttpClient Customer) : IDisposable
    {
        /// <summary>Starts a card payment (201 asserted) and returns it: key, amount, and whether it is the test gateway's.</summary>
        public async Task<JsonElement> InitiatePaymentAsync()
        {
            using var initiated = await Customer.PostAsJsonAsync($"/api/v1/orders/{Id}/payments", new { method = "card" });
            Assert.Equal(HttpStatusCode.Created, initiated.StatusCode);
            return await initiated.Content.ReadFromJsonAsync<JsonElement>();
        }

        /// <summary>Confirms <paramref name="payment"/> as the client does after the gateway's redirect; the caller asserts the answer.</summary>
        public Task<HttpResponseMessage> ConfirmAsync(JsonElement payment) =>
            Customer.PostAsJsonAsync("/api/v1/payments/confirm", new
            {
                payment_key = payment.GetProperty("payment_key").GetString(),
                order_id = Id,
                amount = payment.GetProperty("amount").GetInt64(),
            });

        public void Dispose() => Customer.Dispose();
    }

    /// <summary>An owner's store with a one-item menu, and a customer's order of two of it (9,000).</summary>
    private static async Task<PlacedOrder> PlaceOrderAsync(Uri silo)
    {
        using var owner = await SignedInAsync(silo, "owner");
        using var store = await owner.PostAsJsonAsync("/api/v1/stores", new { name = "Cafe" });
        Assert.Equal(HttpStatusCode.Created, store.StatusCode);
        var storeId = (await store.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var menu = await owner.PutAsJsonAsync($"/api/v1/stores/{storeId}/menu", new
        {
            categories = new[] { new { name = "Drinks", items = new[] { new { name = "Latte", price = 4_500 } } } },
        });
        Assert.Equal(HttpStatusCode.OK, menu.StatusCode);
        var latte = (await menu.Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("categories")[0].GetProperty("items")[0].GetProperty("id").GetString();

        var customer = await SignedInAsync(silo, "customer");
        using var order = await customer.PostAsJsonAsync("/api/v1/orders", new
        {
            store_id = storeId,
            items = new[] { new { menu_item_id = latte, quantity = 2 } },
        });
        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        return new PlacedOrder((await order.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, customer);
    }

    private static async Task<HttpClient> SignedInAsync(Uri silo, string name)
    {
        var client = new HttpClient { BaseAddress = silo };
        using var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new
        {
            username = name,
            email = $"{name}@example.com",
            password = "correct horse battery",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var token = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A stand-in for the configured provider: approves every Toss confirm and records which orders it was asked about.</summary>
    private sealed class RecordingGateway : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<string> _confirmed = [];

        private RecordingGateway(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = "";

        public IReadOnlyList<string> ConfirmedOrders
        {
            get
            {
                lock (_confirmed)
                {
                    return [.. _confirmed];
                }
            }
        }

        public static async Task<RecordingGateway> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var gateway = new RecordingGateway(app);
            app.MapPost("/v1/payments/confirm", async (HttpRequest request) =>
            {
                var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
                var orderId = body.GetProperty("orderId").GetString()!;
                lock (gateway._confirmed)
                {
                    gateway._confirmed.Add(orderId);
                }
                return Results.Json(new
                {
                    paymentKey = body.GetProperty("paymentKey").GetString(),
                    orderId,
                    status = "DONE",
                    totalAmount = body.GetProperty("amount").GetInt64(),
                    approvedAt = DateTimeOffset.UtcNow,
                });
            });
            await app.StartAsync();
            gateway.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return gateway;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
