using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansHub.Grains.Payments;

/// <summary>
/// The local TEST payment gateway's client, so that the embedded default (<c>dotnet run --project Silo</c>) takes a
/// payment end to end (docs/orders.md, "The local test gateway"). It is <see cref="TossPaymentGateway"/> itself, pointed
/// at the silo's own <c>/test-gateway</c> endpoints (Api/Payments/TestGatewayEndpoints.cs) with a secret key generated at
/// every start: the same protocol and the same client code as production, over real HTTP. Those endpoints approve every
/// payment and move no money; the order grain marks the payments it takes <c>test</c> and never lets another gateway
/// settle them. Used only when <see cref="IsActiveFor"/> says so.
/// </summary>
public sealed class TestPaymentGateway(IHttpClientFactory clients, TestGatewayLocation location, ILogger<TossPaymentGateway> logger) : IPaymentGateway
{
    private TossPaymentGateway? _client;

    public bool IsConfigured => true;

    public bool IsTest => true;

    /// <summary>
    /// The rule: only on the embedded database (a one-silo development set-up, never a deployment that joined a
    /// cluster through <c>ConnectionStrings:Hub</c>) and only with no <c>Payments:Gateway:BaseUrl</c>. A configured gateway
    /// always wins; an external database without one keeps answering 503.
    /// </summary>
    public static bool IsActiveFor(bool embeddedDatabase, string? gatewayBaseUrl) =>
        embeddedDatabase && string.IsNullOrWhiteSpace(gatewayBaseUrl);

    public Task<GatewayResult> ConfirmAsync(GatewayConfirmRequest request, CancellationToken cancellationToken) =>
        Client().ConfirmAsync(request, cancellationToken);

    public Task<GatewayCancelResult> CancelAsync(GatewayCancelRequest request, CancellationToken cancellationToken) =>
        Client().CancelAsync(request, cancellationToken);

    // Made on first use: the silo's address is known only once it listens (a payment reminder may fire before).
    private TossPaymentGateway Client() => _client ??= new TossPaymentGateway(
        clients,
        Options.Create(new PaymentOptions
        {
            Gateway = new PaymentGatewayOptions { BaseUrl = location.BaseUrl().ToString(), SecretKey = location.SecretKey },
        }),
        logger);
}

/// <summary>
/// Where the test gateway is served: the silo's own loopback address plus its path (<c>/test-gateway</c>;
/// <paramref name="baseUrl"/> throws <see cref="PaymentGatewayUnavailableException"/> while the silo does not listen yet),
/// and the secret key the endpoints require, generated at start and never written anywhere.
/// </summary>
public sealed class TestGatewayLocation(string secretKey, Func<Uri> baseUrl)
{
    public string SecretKey => secretKey;

    public Uri BaseUrl() => baseUrl();
}

public static class TestPaymentGatewaySetup
{
    /// <summary>Makes the test gateway the silo's <see cref="IPaymentGateway"/> (before or after <c>AddHubGrains</c>).</summary>
    public static IServiceCollection AddTestPaymentGateway(this IServiceCollection services, Func<IServiceProvider, TestGatewayLocation> location)
    {
        services.AddHttpClient(TossPaymentGateway.ClientName);
        services.AddSingleton(location);
        services.Replace(ServiceDescriptor.Singleton<IPaymentGateway, TestPaymentGateway>());
        return services;
    }
}
