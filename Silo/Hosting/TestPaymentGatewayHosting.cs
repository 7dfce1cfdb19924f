using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansHub.Api.Payments;
using OrleansHub.Grains.Payments;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Turns on the local TEST payment gateway where <see cref="TestPaymentGateway.IsActiveFor"/> allows it: a silo on its
/// embedded database with no <c>Payments:Gateway:BaseUrl</c> (docs/orders.md, "The local test gateway"). The gateway's
/// client (Grains) and its endpoints (Api) get the same secret key, generated at every start and kept in memory only;
/// the client finds the endpoints at the silo's own loopback address. Says so with a warning at every start.
/// </summary>
internal static partial class TestPaymentGatewayHosting
{
    public static WebApplicationBuilder AddTestPaymentGatewayWhenEmbedded(this WebApplicationBuilder builder, ILogger log)
    {
        var embedded = string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(SiloDatabase.ConnectionStringName));
        if (!TestPaymentGateway.IsActiveFor(embedded, builder.Configuration["Payments:Gateway:BaseUrl"]))
        {
            return builder;
        }
        var secretKey = "test_sk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        builder.Services.AddTestPaymentGateway(services =>
            new TestGatewayLocation(secretKey, () => OwnAddress(services.GetRequiredService<IServer>())));
        builder.Services.AddTestGatewayServer(secretKey);
        TestGatewayActive(log, TestGatewayServer.PathBase);
        return builder;
    }

    /// <summary>
    /// The test gateway's root on this silo: its first http (else https) listening address, a wildcard host
    /// (0.0.0.0, [::], +, *) replaced by loopback.
    /// </summary>
    private static Uri OwnAddress(IServer server)
    {
        var bindings = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(BindingAddress.Parse)
            .Where(binding => !binding.IsNamedPipe && !binding.IsUnixPipe && binding.Port > 0)
            .OrderBy(binding => binding.Scheme == Uri.UriSchemeHttp ? 0 : 1)
            .ToList();
        if (bindings.Count == 0)
        {
            throw new PaymentGatewayUnavailableException("The silo is not listening yet, so its test payment gateway cannot be reached.");
        }
        var binding = bindings[0];
        var host = binding.Host switch
        {
            "+" or "*" => "127.0.0.1",
            var name when IPAddress.TryParse(name.Trim('[', ']'), out var ip) && ip.Equals(IPAddress.Any) => "127.0.0.1",
            var name when IPAddress.TryParse(name.Trim('[', ']'), out var ip) && ip.Equals(IPAddress.IPv6Any) => "[::1]",
            var name => name,
        };
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{binding.Scheme}://{host}:{binding.Port}{TestGatewayServer.PathBase}/"));
    }

    [LoggerMessage(20, LogLevel.Warning,
        "TEST payment gateway active at {Path}: payments are approved without moving any money (embedded database, no Payments:Gateway:BaseUrl). Configure Payments:Gateway for real payments")]
    private static partial void TestGatewayActive(ILogger logger, string path);
}
