using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Security;

/// <summary>OWASP API8 (security misconfiguration): hardening headers on every response, errors included.</summary>
public sealed class SecurityHeadersTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/health/live", HttpStatusCode.OK)]
    [InlineData("/api/v1/no-such-route", HttpStatusCode.NotFound)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    public async Task EveryResponseCarriesTheHardeningHeaders(string path, HttpStatusCode status)
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Single(response, "Referrer-Policy"));
        var csp = Single(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServerDoesNotNameItself()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/health/live");

        Assert.Empty(response.Headers.Server);
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }

    [Fact]
    public async Task ApiResponsesAreNotCached()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/v1/auth/me");

        Assert.True(response.Headers.CacheControl?.NoStore, "API responses must carry Cache-Control: no-store");
    }

    [Fact]
    public async Task TheApiPageRunsNoInlineScript()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api-docs/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Single(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script>[^<]", html);
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : []);
}
