using OrleansHub.Grains.Payments;

namespace OrleansHub.Grains.Tests.Payments;

/// <summary>When the local test gateway may stand in for a payment provider (docs/orders.md, "The local test gateway").</summary>
public sealed class TestPaymentGatewayRuleTests
{
    [Theory]
    [InlineData(true, null, true)]
    [InlineData(true, "", true)]
    [InlineData(true, "  ", true)]
    [InlineData(true, "https://api.tosspayments.com", false)]
    [InlineData(false, null, false)]
    [InlineData(false, "https://api.tosspayments.com", false)]
    public void OnlyTheEmbeddedDatabaseWithoutAConfiguredGatewayGetsTheTestGateway(bool embeddedDatabase, string? gatewayBaseUrl, bool active)
    {
        Assert.Equal(active, TestPaymentGateway.IsActiveFor(embeddedDatabase, gatewayBaseUrl));
    }
}
