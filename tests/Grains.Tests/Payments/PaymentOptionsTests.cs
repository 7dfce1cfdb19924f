using Microsoft.Extensions.Options;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Payments;

/// <summary>No payment configuration is fine (payments answer 503); half a configuration stops the silo at start, saying why.</summary>
public sealed class PaymentOptionsTests
{
    [Theory]
    [InlineData("https://api.tosspayments.com", null, "SecretKey is required")]
    [InlineData(null, "test_sk_x", "BaseUrl is not")]
    [InlineData("ftp://example.com", "test_sk_x", "absolute http or https URL")]
    [InlineData("not a url", "test_sk_x", "absolute http or https URL")]
    public async Task AnIncompleteGatewayConfigurationFailsTheStart(string? baseUrl, string? secretKey, string reason)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Payments:Gateway:BaseUrl"] = baseUrl,
            ["Payments:Gateway:SecretKey"] = secretKey,
        };

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await DomainSilo.StartAsync(await PostgresServer.CreateDatabaseAsync(), settings));

        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOrderTimeoutOfZeroFailsTheStart()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await DomainSilo.StartAsync(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Orders:PendingTimeout"] = "00:00:00" }));
    }
}
