using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Tests.Payments.Support;
using OrleansHub.Grains.Payments;

namespace OrleansHub.Api.Tests.Payments;

/// <summary>The Toss-protocol gateway against the fake provider over real HTTP: decisions, idempotency, and what stays undecided.</summary>
public sealed class TossGatewayTests : IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    private FakeTossServer _toss = null!;

    public async Task InitializeAsync() => _toss = await FakeTossServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _toss.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task AnAuthorizedPaymentIsApprovedWithWhenAndHow()
    {
        _toss.Authorize("pk-1", "order-1", 12_000);

        var result = await Gateway(_toss.BaseUrl + "/").ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None);

        Assert.True(result.Approved);
        Assert.NotNull(result.ApprovedAt);
        Assert.Equal("카드", result.Method);
        Assert.Equal(1, _toss.Charges);
    }

    [Fact]
    public async Task ARepeatedIdempotencyKeyGetsTheFirstAnswerWithoutASecondCharge()
    {
        _toss.Authorize("pk-1", "order-1", 12_000);
        var gateway = Gateway(_toss.BaseUrl);

        var first = await gateway.ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None);
        var again = await gateway.ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None);

        Assert.True(first.Approved);
        Assert.Equal(first, again);
        Assert.Equal(1, _toss.Charges);
    }

    [Fact]
    public async Task APaymentAlreadyConfirmedUnderAnotherKeyIsRecognisedByLookingItUp()
    {
        _toss.Authorize("pk-1", "order-1", 12_000);
        var gateway = Gateway(_toss.BaseUrl);

        await gateway.ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None);
        var second = await gateway.ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-2"), CancellationToken.None);

        Assert.True(second.Approved);
        Assert.Equal(1, _toss.Charges);
    }

    [Fact]
    public async Task ADeclineCarriesTheProvidersCodeAndMessage()
    {
        _toss.Authorize("pk-1", "order-1", 12_000);
        _toss.Decline("pk-1");

        var result = await Gateway(_toss.BaseUrl).ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None);

        Assert.False(result.Approved);
        Assert.Equal("REJECT_CARD_PAYMENT", result.Code);
        Assert.False(string.IsNullOrEmpty(result.Message));
        Assert.Equal(0, _toss.Charges);
    }

    [Fact]
    public async Task APaymentTheCustomerNeverAuthorizedIsDeclined()
    {
        var result = await Gateway(_toss.BaseUrl).ConfirmAsync(new("pk-unknown", "order-1", 12_000, "idem-1"), CancellationToken.None);

        Assert.False(result.Approved);
        Assert.Equal("NOT_FOUND_PAYMENT_SESSION", result.Code);
    }

    [Fact]
    public async Task AWrongSecretKeyLeavesTheOutcomeUnknown()
    {
        _toss.Authorize("pk-1", "order-1", 12_000);

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() =>
            Gateway(_toss.BaseUrl, "test_sk_wrong").ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None));
        Assert.Equal(0, _toss.Charges);
    }

    [Fact]
    public async Task AGatewayThatCutsTheConnectionLeavesTheOutcomeUnknown()
    {
        _toss.Authorize("pk-1", "order-1", 12_000);
        var charged = _toss.DropNextAnswerAfterCharging();

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() =>
            Gateway(_toss.BaseUrl).ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None));
        await charged;
        var retried = await Gateway(_toss.BaseUrl).ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None);

        Assert.True(retried.Approved);
        Assert.Equal(1, _toss.Charges);
    }

    [Fact]
    public async Task AnUnreachableGatewayLeavesTheOutcomeUnknown()
    {
        var closed = _toss.BaseUrl;
        await _toss.DisposeAsync();
        _toss = await FakeTossServer.StartAsync();

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() =>
            Gateway(closed).ConfirmAsync(new("pk-1", "order-1", 12_000, "idem-1"), CancellationToken.None));
    }

    [Fact]
    public async Task ACancelRefundsAnApprovedPaymentOnceHoweverOftenItIsAsked()
    {
        var gateway = await ApprovedPaymentAsync("pk-1");

        var first = await gateway.CancelAsync(new("pk-1", "Out of milk", "cancel-1"), CancellationToken.None);
        var sameKey = await gateway.CancelAsync(new("pk-1", "Out of milk", "cancel-1"), CancellationToken.None);
        var otherKey = await gateway.CancelAsync(new("pk-1", "Out of milk", "cancel-2"), CancellationToken.None);

        Assert.True(first.Cancelled);
        Assert.True(sameKey.Cancelled);
        Assert.True(otherKey.Cancelled); // ALREADY_CANCELED_PAYMENT: done before
        Assert.Equal(1, _toss.Refunds);
        var call = _toss.CancelCalls[0];
        Assert.Equal(("pk-1", "cancel-1"), (call.PaymentKey, call.IdempotencyKey));
        Assert.Equal("Out of milk", System.Text.Json.Nodes.JsonNode.Parse(call.Body)!["cancelReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task ACancelTheProviderRefusesCarriesItsCode()
    {
        var gateway = await ApprovedPaymentAsync("pk-1");
        _toss.RefuseCancel("pk-1");

        var result = await gateway.CancelAsync(new("pk-1", "Out of milk", "cancel-1"), CancellationToken.None);

        Assert.False(result.Cancelled);
        Assert.Equal("NOT_CANCELABLE_PAYMENT", result.Code);
        Assert.Equal(0, _toss.Refunds);
    }

    [Fact]
    public async Task ACancelTheProviderFailsOrCannotTakeLeavesTheOutcomeUnknown()
    {
        var gateway = await ApprovedPaymentAsync("pk-1");
        _toss.FailCancels(true);

        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() =>
            gateway.CancelAsync(new("pk-1", "Out of milk", "cancel-1"), CancellationToken.None));
        await Assert.ThrowsAsync<PaymentGatewayUnavailableException>(() =>
            Gateway(_toss.BaseUrl, "test_sk_wrong").CancelAsync(new("pk-1", "Out of milk", "cancel-1"), CancellationToken.None));
        _toss.FailCancels(false);
        var retried = await gateway.CancelAsync(new("pk-1", "Out of milk", "cancel-1"), CancellationToken.None);

        Assert.True(retried.Cancelled);
        Assert.Equal(1, _toss.Refunds);
    }

    [Fact]
    public async Task ALongReasonIsCutToWhatTheProviderTakes()
    {
        var gateway = await ApprovedPaymentAsync("pk-1");

        var result = await gateway.CancelAsync(new("pk-1", new string('r', 500), "cancel-1"), CancellationToken.None);

        Assert.True(result.Cancelled);
        var reason = System.Text.Json.Nodes.JsonNode.Parse(_toss.CancelCalls.Single().Body)!["cancelReason"]!.GetValue<string>();
        Assert.Equal(TossPaymentGateway.MaxCancelReason, reason.Length);
    }

    // A payment of order-1 (12,000) under paymentKey, authorized and confirmed as the customer would; returns the gateway.
    private async Task<TossPaymentGateway> ApprovedPaymentAsync(string paymentKey)
    {
        _toss.Authorize(paymentKey, "order-1", 12_000);
        var gateway = Gateway(_toss.BaseUrl);
        Assert.True((await gateway.ConfirmAsync(new(paymentKey, "order-1", 12_000, "confirm-1"), CancellationToken.None)).Approved);
        return gateway;
    }

    private TossPaymentGateway Gateway(string baseUrl, string secretKey = FakeTossServer.SecretKey) => new(
        _services.GetRequiredService<IHttpClientFactory>(),
        Options.Create(new PaymentOptions { Gateway = new PaymentGatewayOptions { BaseUrl = baseUrl, SecretKey = secretKey } }),
        NullLogger<TossPaymentGateway>.Instance);
}
