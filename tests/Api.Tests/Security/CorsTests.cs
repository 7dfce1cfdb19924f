using System.Net;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Security;

/// <summary>Cross-origin access only for the configured origins (OWASP API8).</summary>
public sealed class CorsTests : IAsyncLifetime
{
    private const string Allowed = "https://app.example.test";
    private const string Other = "https://evil.example.test";
    private ApiFactory _configured = null!;
    private ApiFactory _default = null!;

    [Fact]
    public async Task AnAllowedOriginMayCallWithCredentialsAndReadOurHeaders()
    {
        using var client = _configured.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Get, "/health/live", Allowed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("X-Request-Id", Header(response, "Access-Control-Expose-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-RateLimit-Remaining", Header(response, "Access-Control-Expose-Headers"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnAllowedOriginPassesThePreflightForAnAuthenticatedWrite()
    {
        using var client = _configured.CreateClient();

        using var response = await PreflightAsync(client, Allowed);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("authorization", Header(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnotherOriginGetsNoCorsHeaders()
    {
        using var client = _configured.CreateClient();

        using var simple = await SendAsync(client, HttpMethod.Get, "/health/live", Other);
        using var preflight = await PreflightAsync(client, Other);

        Assert.False(simple.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(simple.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task WithoutConfigurationNoOriginIsAllowed()
    {
        using var client = _default.CreateClient();

        using var simple = await SendAsync(client, HttpMethod.Get, "/health/live", Allowed);
        using var preflight = await PreflightAsync(client, Allowed);

        Assert.False(simple.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    public async Task InitializeAsync()
    {
        _configured = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins:0"] = Allowed,
            ["Cors:AllowedOrigins:1"] = "http://localhost:5173",
        });
        _configured.StartServer();
        _default = new ApiFactory(await PostgresServer.CreateDatabaseAsync());
        _default.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _configured.DisposeAsync();
        await _default.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string origin)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/api-keys");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await client.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        string.Join(",", response.Headers.TryGetValues(name, out var values) ? values : []);
}
