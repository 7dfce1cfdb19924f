using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Conventions.RateLimiting;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>The <c>per-caller</c> policy counts per user (and per API key), not per address: one busy user does not starve another.</summary>
public sealed class PerCallerLimitTests : IAsyncLifetime
{
    private ApiFactory _factory = null!;

    [Fact]
    public async Task EachUserHasALimitOfTheirOwn()
    {
        using var first = _factory.CreateClient();
        using var second = _factory.CreateClient();
        first.WithBearer((await first.RegisterAsync()).AccessToken);
        second.WithBearer((await second.RegisterAsync()).AccessToken);

        for (var remaining = 2; remaining >= 0; remaining--)
        {
            using var admitted = await first.GetAsync("/api/v1/auth/me");
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
            Assert.Equal(remaining.ToString(System.Globalization.CultureInfo.InvariantCulture), RateLimitTests.Header(admitted, "X-RateLimit-Remaining"));
        }

        using var rejected = await first.GetAsync("/api/v1/auth/me");
        using var other = await second.GetAsync("/api/v1/auth/me");

        await rejected.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMIT_EXCEEDED");
        Assert.NotNull(rejected.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("3", RateLimitTests.Header(other, "X-RateLimit-Limit"));
        Assert.Equal("2", RateLimitTests.Header(other, "X-RateLimit-Remaining"));
    }

    public async Task InitializeAsync()
    {
        _factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["RateLimits:PerCaller:PermitLimit"] = "3",
            ["RateLimits:PerCaller:WindowSeconds"] = "60",
        })
        {
            TestServices = services => services.AddSingleton(new WindowLimiterRegistry(new ManualClock(new DateTimeOffset(2030, 1, 1, 12, 0, 15, TimeSpan.Zero)))),
        };
        _factory.StartServer();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
