using System.Net;
using System.Text.Json;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.OrleansDashboard;

/// <summary>
/// A silo on a fresh database with the Orleans Dashboard set to <see cref="Enabled"/>, its first user (the admin)
/// and a plain user registered. The per-caller limit differs from the anonymous one, so a response's
/// <c>X-RateLimit-Limit</c> tells which partition counted it.
/// </summary>
public abstract class OrleansDashboardFixture(bool enabled) : IAsyncLifetime
{
    public const int PerCallerLimit = 999_999;

    private Uri? _baseAddress;

    public ApiFactory Factory { get; private set; } = null!;

    public TestUser Admin { get; private set; } = null!;

    public TestUser User { get; private set; } = null!;

    public bool Enabled => enabled;

    public async Task InitializeAsync()
    {
        Factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Orleans:Dashboard:Enabled"] = enabled ? "true" : "false",
            ["Auth:Passwords:Iterations"] = "1000",
            ["RateLimits:PerCaller:PermitLimit"] = PerCallerLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Factory.StartServer();
        using (var server = Factory.CreateClient())
        {
            _baseAddress = server.BaseAddress;
        }
        using var client = Anonymous();
        Admin = await client.RegisterAsync();
        User = await client.RegisterAsync();
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>A client that neither keeps cookies nor follows redirects: each test sends exactly what it means to.</summary>
    public HttpClient Anonymous() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = _baseAddress };

    public HttpClient As(TestUser user) => Anonymous().WithBearer(user.AccessToken);

    /// <summary>One GET as <paramref name="user"/>.</summary>
    public async Task<HttpResponseMessage> GetAsync(TestUser user, string path)
    {
        using var client = As(user);
        return await client.GetAsync(path);
    }

    /// <summary><c>POST /admin/orleans/session</c> as <paramref name="user"/>.</summary>
    public async Task<HttpResponseMessage> PostSessionAsync(TestUser user)
    {
        using var client = As(user);
        return await client.PostAsync("/admin/orleans/session", null);
    }

    /// <summary>A client whose only credential is the dashboard cookie <paramref name="cookie"/> (name=value).</summary>
    public HttpClient WithCookie(string cookie)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>Asks for the dashboard cookie with <paramref name="user"/>'s access token; returns its Set-Cookie header.</summary>
    public async Task<string> OpenSessionAsync(TestUser user)
    {
        using var response = await PostSessionAsync(user);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie"));
    }

    /// <summary>
    /// The admin's <c>DashboardCounters</c> once they list this silo. The dashboard gathers them on its own timer after
    /// the silo starts, so the first answers can be empty; every answer must still be a 200. The deadline only stops a hang.
    /// </summary>
    public async Task<JsonElement> CountersListingThisSiloAsync()
    {
        using var client = As(Admin);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await client.GetAsync("/admin/orleans/DashboardCounters", CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.ReadJsonAsync();
            if (json.GetProperty("totalActiveHostCount").GetInt32() >= 1 && json.GetProperty("hosts").GetArrayLength() >= 1)
            {
                return json;
            }
            Assert.False(deadline.IsCancellationRequested, "The dashboard listed no silo within 60 s: " + json);
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    /// <summary>Sets <paramref name="user"/>'s role as the admin.</summary>
    public async Task SetRoleAsync(TestUser user, string role)
    {
        using var admin = As(Admin);
        using var response = await admin.PutJsonAsync($"/api/v1/users/{user.Id}/role", new { role });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class EnabledOrleansDashboardFixture() : OrleansDashboardFixture(enabled: true);

public sealed class DisabledOrleansDashboardFixture() : OrleansDashboardFixture(enabled: false);
