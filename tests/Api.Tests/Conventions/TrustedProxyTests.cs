using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Conventions.RateLimiting;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>
/// X-Forwarded-For is believed only from configured proxies: behind one, clients get their own anonymous
/// limits; without one configured, the header changes nothing. The tests' client is 127.0.0.1, playing the proxy.
/// </summary>
public sealed class TrustedProxyTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 15, TimeSpan.Zero);

    [Fact]
    public async Task BehindATrustedProxyEachForwardedClientHasItsOwnLimit()
    {
        await using var factory = await StartAsync(new() { ["Proxies:KnownProxies:0"] = "127.0.0.1" });
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.2"));
    }

    [Fact]
    public async Task AClientCannotPickItsAddressByPrependingToTheHeader()
    {
        await using var factory = await StartAsync(new() { ["Proxies:KnownProxies:0"] = "127.0.0.1" });
        using var client = factory.CreateClient();

        // The proxy appends the real client (203.0.113.9) after whatever the client sent; only the
        // rightmost untrusted hop counts, so the forged first entries do not buy a fresh limit.
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "198.51.100.1, 203.0.113.9"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "198.51.100.2, 203.0.113.9"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, "198.51.100.3, 203.0.113.9"));
    }

    [Fact]
    public async Task WithoutTrustedProxiesTheHeaderIsIgnored()
    {
        await using var factory = await StartAsync(new());
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, "203.0.113.3"));
    }

    private static async Task<ApiFactory> StartAsync(Dictionary<string, string?> settings)
    {
        settings["RateLimits:Anonymous:PermitLimit"] = "2";
        settings["RateLimits:Anonymous:WindowSeconds"] = "60";
        var factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), settings)
        {
            TestServices = services => services.AddSingleton(new WindowLimiterRegistry(new ManualClock(Now))),
        };
        factory.StartServer();
        return factory;
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
