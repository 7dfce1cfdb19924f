using System.Net;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>
/// docs/api.md "Conventions": while PostgreSQL is down, requests that need it answer 503 SERVICE_UNAVAILABLE with
/// <c>Retry-After</c> (never a 500) and <c>/health/ready</c> answers 503; once it is back, they succeed again.
/// The silo runs on a server of this test's own, which the test stops and starts.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);

    private RestartablePostgres _postgres = null!;
    private ApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _postgres = await RestartablePostgres.StartAsync();
        _factory = new ApiFactory(await _postgres.CreateDatabaseAsync("hub_outage"), new Dictionary<string, string?>
        {
            ["Auth:Passwords:Iterations"] = "1000",
            ["Execution:Mode"] = "UnsafeLocal", // scheduling, not the sandbox, is under test here
        });
        _factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task WhileTheDatabaseIsDownRequestsAre503WithRetryAfterAndRecoverAfter()
    {
        var user = await RegisterAsync();
        using var client = _factory.CreateClient().WithBearer(user.AccessToken);
        using var created = await client.PostJsonAsync("/api/v1/workspaces", new { name = "Before" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var workspace = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;
        using var task = await client.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspace, type = "command", command = new[] { "true" } });
        Assert.Equal(HttpStatusCode.Created, task.StatusCode);
        var taskId = (await task.ReadJsonAsync()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/tasks/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await _postgres.StopAsync();

        // A list (index rows), a grain that must read its state, a grain write, the task's event stream (its
        // grains are active; its event log is read from the database), and readiness.
        await AssertUnavailableAsync(await client.GetAsync($"/api/v1/tasks/{taskId}/stream"));
        await AssertUnavailableAsync(await client.GetAsync("/api/v1/workspaces"));
        await AssertUnavailableAsync(await client.GetAsync($"/api/v1/workspaces/{Guid.NewGuid()}"));
        await AssertUnavailableAsync(await client.PostJsonAsync("/api/v1/workspaces", new { name = "During" }));
        await AssertUnavailableAsync(await client.GetAsync($"/api/v1/tasks/{Guid.NewGuid():N}"));
        // Readiness reuses a check for up to DatabaseReadiness.CacheFor (1 s), so the 200 from before the stop may
        // still be served; within a few periods it must turn 503 with the problem.
        await NotReadyWithinAsync(client);

        await _postgres.StartAgainAsync();

        // Pooled connections broken by the restart fail once each (as 503s); there is no signal for "the pool is
        // healthy again" but success itself, so poll within a bound.
        await EventuallyAsync(() => client.GetAsync("/health/ready"), HttpStatusCode.OK);
        await EventuallyAsync(() => client.GetAsync("/api/v1/workspaces"), HttpStatusCode.OK);
        await EventuallyAsync(() => client.PostJsonAsync("/api/v1/workspaces", new { name = "After" }), HttpStatusCode.Created);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 must say when to retry (Retry-After)");
        }
    }

    private static async Task NotReadyWithinAsync(HttpClient client)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                return;
            }
            Assert.False(deadline.IsCancellationRequested, "/health/ready still 200 while the database is down");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static async Task EventuallyAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        using var deadline = new CancellationTokenSource(RecoveryBound);
        while (true)
        {
            using var response = await send();
            if (response.StatusCode == expected)
            {
                return;
            }
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"while recovering: {(int)response.StatusCode} {body}");
            Assert.False(deadline.IsCancellationRequested, $"still {(int)response.StatusCode} after {RecoveryBound}: {body}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private async Task<SignedInUser> RegisterAsync()
    {
        using var client = _factory.CreateClient();
        var email = $"outage-{Guid.NewGuid():N}@example.com";
        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = "outage", email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return SignedInUser.From(await response.ReadJsonAsync(), email);
    }
}
