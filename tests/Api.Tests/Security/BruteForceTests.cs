using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Conventions.RateLimiting;
using OrleansHub.Api.Tests.Conventions;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Security;

/// <summary>OWASP API2/API4: password guessing and credential stuffing hit the stricter <c>auth</c> limit.</summary>
public sealed class BruteForceTests : IAsyncLifetime
{
    private ApiFactory _factory = null!;

    [Fact]
    public async Task GuessingPasswordsIsStoppedWith429()
    {
        using var client = _factory.CreateClient();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var wrong = await client.PostJsonAsync("/api/v1/auth/login", new { email = "victim@example.test", password = "guess-" + attempt });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal("3", RateLimitTests.Header(wrong, "X-RateLimit-Limit"));
        }

        using var blocked = await client.PostJsonAsync("/api/v1/auth/login", new { email = "victim@example.test", password = "guess-4" });

        await blocked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMIT_EXCEEDED");
        Assert.NotNull(blocked.Headers.RetryAfter?.Delta);
        Assert.Equal("0", RateLimitTests.Header(blocked, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task TheAuthLimitDoesNotBlockTheRestOfTheApi()
    {
        using var client = _factory.CreateClient();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            (await client.PostJsonAsync("/api/v1/auth/login", new { email = "victim@example.test", password = "guess" })).Dispose();
        }

        using var health = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    public async Task InitializeAsync()
    {
        _factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["RateLimits:Auth:PermitLimit"] = "3",
            ["RateLimits:Auth:WindowSeconds"] = "60",
        })
        {
            // A clock that stands still: the window cannot roll over in the middle of a test.
            TestServices = services => services.AddSingleton(new WindowLimiterRegistry(new ManualClock(new DateTimeOffset(2030, 1, 1, 12, 0, 15, TimeSpan.Zero)))),
        };
        _factory.StartServer();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
