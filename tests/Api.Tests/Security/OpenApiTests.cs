using System.Net;
using System.Text.Json;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Security;

/// <summary>OWASP API9 (improper inventory): the published contract lists the endpoints and how to authenticate.</summary>
public sealed class OpenApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] AnonymousPaths =
        ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/stores/{id}/menu", "/health/live", "/health/ready", "/metrics", "/"];

    [Fact]
    public async Task TheDocumentDeclaresBearerAndApiKeySchemes()
    {
        var document = await GetDocumentAsync();

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var bearer = schemes.GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Equal("JWT", bearer.GetProperty("bearerFormat").GetString());
        var apiKey = schemes.GetProperty("ApiKey");
        Assert.Equal("apiKey", apiKey.GetProperty("type").GetString());
        Assert.Equal("header", apiKey.GetProperty("in").GetString());
        Assert.Equal("X-API-Key", apiKey.GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheDocumentListsTheHealthEndpointsAsAnonymous()
    {
        var document = await GetDocumentAsync();

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.False(get.TryGetProperty("security", out var security) && security.GetArrayLength() > 0, $"{path} should need no credentials");
        }
    }

    [Fact]
    public async Task EveryOperationOutsideTheAnonymousListRequiresEitherScheme()
    {
        var document = await GetDocumentAsync();

        var checkedOperations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(path => !AnonymousPaths.Contains(path.Name)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.True(operation.Value.TryGetProperty("security", out var security), $"{operation.Name} {path.Name} has no security");
                var schemes = security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(scheme => scheme.Name)).ToHashSet();
                Assert.Equal(["ApiKey", "Bearer"], schemes.Order());
                checkedOperations++;
            }
        }

        Assert.True(checkedOperations > 0, "no authenticated operation in the document");
    }

    [Fact]
    public async Task TheApiPageIsServedFromThisOriginAndReadsTheDocument()
    {
        using var client = api.CreateClient();

        using var page = await client.GetAsync("/api-docs/index.html");
        using var script = await client.GetAsync("/api-docs/swagger-ui-bundle.js");
        using var config = await client.GetAsync("/api-docs/index.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("swagger-ui-bundle.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("/openapi/v1.json", await config.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> GetDocumentAsync()
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
