using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Conventions.RateLimiting;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>
/// Tiny limits and a hand-moved clock for the limiter's windows: the first window starts at
/// 12:00:00 UTC and the test starts 15 s into it, so Retry-After and X-RateLimit-Reset are exact.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private static readonly DateTimeOffset WindowStart = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(WindowStart.AddSeconds(15));
    private ApiFactory _factory = null!;

    [Fact]
    public async Task AnonymousCallsCountDownInTheHeadersAndTheNextOneIs429WithRetryAfter()
    {
        using var client = _factory.CreateClient();
        var reset = WindowStart.AddSeconds(60).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        for (var remaining = 2; remaining >= 0; remaining--)
        {
            using var admitted = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal("3", Header(admitted, "X-RateLimit-Limit"));
            Assert.Equal(remaining.ToString(CultureInfo.InvariantCulture), Header(admitted, "X-RateLimit-Remaining"));
            Assert.Equal(reset, Header(admitted, "X-RateLimit-Reset"));
        }

        using var rejected = await client.GetAsync("/health/live");

        var problem = await rejected.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMIT_EXCEEDED");
        Assert.Equal(TimeSpan.FromSeconds(45), rejected.Headers.RetryAfter?.Delta);
        Assert.Equal("3", Header(rejected, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(rejected, "X-RateLimit-Remaining"));
        Assert.Equal(reset, Header(rejected, "X-RateLimit-Reset"));
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task TheLimitComesBackAtTheAdvertisedReset()
    {
        using var client = _factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            (await client.GetAsync("/health/live")).Dispose();
        }

        using (var rejected = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(45));
        using var admitted = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal("2", Header(admitted, "X-RateLimit-Remaining"));
        Assert.Equal(WindowStart.AddSeconds(120).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Header(admitted, "X-RateLimit-Reset"));
    }

    [Fact]
    public async Task RejectedCallsAreNotCountedAgainstTheNextWindow()
    {
        using var client = _factory.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            (await client.GetAsync("/health/live")).Dispose();
        }

        _clock.Advance(TimeSpan.FromSeconds(60));
        for (var remaining = 2; remaining >= 0; remaining--)
        {
            using var admitted = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal(remaining.ToString(CultureInfo.InvariantCulture), Header(admitted, "X-RateLimit-Remaining"));
        }
    }

    public async Task InitializeAsync()
    {
        _factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["RateLimits:Anonymous:PermitLimit"] = "3",
            ["RateLimits:Anonymous:WindowSeconds"] = "60",
        })
        {
            TestServices = services => services.AddSingleton(new WindowLimiterRegistry(_clock)),
        };
        _factory.StartServer();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    internal static string Header(HttpResponseMessage response, string name) => Assert.Single(response.Headers.GetValues(name));
}
