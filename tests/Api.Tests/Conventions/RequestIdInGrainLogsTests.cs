using System.Text.Json;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Orders;
using OrleansHub.Api.Tests.Payments;
using OrleansHub.Api.Tests.Payments.Support;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>
/// One request id follows a request into its grains: the API puts it in Orleans' request context, and a grain's log
/// line (here the payment gateway's, written inside the order grain's turn) carries it as the same property the
/// request's own line has.
/// </summary>
public sealed class RequestIdInGrainLogsTests
{
    [Fact]
    public async Task AGrainsLogLineCarriesTheIdOfTheRequestThatCalledIt()
    {
        ConsoleCapture.Start();
        await using var toss = await FakeTossServer.StartAsync();
        await using var api = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), OrderApiFixture.Settings(toss, new Dictionary<string, string?>
        {
            ["Logging:Json"] = "true",
        }));
        api.StartServer();
        using var owner = api.As(await api.RegisterAsync());
        var store = await owner.CreateStoreAsync();
        using var customer = api.As(await api.RegisterAsync());
        var order = await customer.PlaceOrderAsync(store);
        var key = await customer.AuthorizedPaymentAsync(toss, order);
        toss.Decline(key);
        var requestId = "grain-log-" + Guid.NewGuid().ToString("N");
        customer.DefaultRequestHeaders.Add("X-Request-Id", requestId);

        using var declined = await customer.ConfirmAsync(order.Id(), key, order.Total());

        var line = await ConsoleCapture.WaitForLineAsync(TimeSpan.FromSeconds(10), requestId, "declined order");
        using var logEvent = JsonDocument.Parse(line);
        Assert.Equal("OrleansHub.Grains.Payments.TossPaymentGateway", logEvent.RootElement.GetProperty("SourceContext").GetString());
        Assert.Equal(requestId, logEvent.RootElement.GetProperty("RequestId").GetString());
    }
}
