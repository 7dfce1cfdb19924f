using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>Errors the framework produces (routing, binding) come out in docs/api.md's problem format.</summary>
public sealed class ProblemDetailsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AnUnknownRouteIsANotFoundProblemWithCodeAndRequestId()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/v1/no-such-thing");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task AWrongMethodIsAMethodNotAllowedProblemListingTheAllowedOnes()
    {
        using var client = api.CreateClient();

        using var response = await client.DeleteAsync("/health/live");

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task AnonymousCallersGet405ForAWrongMethodAnd401ForARightOne()
    {
        using var client = api.CreateClient();

        // A method the route does not have: a client mistake, answered as such to anyone.
        using var wrongMethod = await client.PatchAsync("/api/v1/workspaces", null);
        // A method it has: the route is protected.
        using var rightMethod = await client.GetAsync("/api/v1/workspaces");

        await wrongMethod.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
        await rightMethod.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task TruncatedJsonIsAValidationProblem()
    {
        using var client = api.CreateClient();

        using var response = await PostRawAsync(client, "/api/v1/auth/login", """{"email": "a@example.test", "password": """);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task BrokenJsonSyntaxIsAValidationProblemAboutTheBody()
    {
        using var client = api.CreateClient();

        using var response = await PostRawAsync(client, "/api/v1/auth/login", "{not json at all");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        problem.FieldErrors("body");
    }

    [Fact]
    public async Task AValueOfTheWrongTypeIsAValidationProblemNamingTheField()
    {
        using var client = api.CreateClient();

        using var response = await PostRawAsync(client, "/api/v1/auth/login", """{"email": 12345, "password": "whatever1"}""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        problem.FieldErrors("email");
    }

    [Fact]
    public async Task AnArrayWhereAnObjectBelongsIsAValidationProblem()
    {
        using var client = api.CreateClient();

        using var response = await PostRawAsync(client, "/api/v1/auth/register", """["admin", "admin"]""");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task AMissingBodyIsAValidationProblemAboutTheBody()
    {
        using var client = api.CreateClient();

        using var response = await PostRawAsync(client, "/api/v1/auth/login", "");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        problem.FieldErrors("body");
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsAnUnsupportedMediaTypeProblem()
    {
        using var client = api.CreateClient();

        // Routing answers a content type no endpoint accepts with a 415 endpoint of its own; it
        // answers anonymous callers too (login needs no credentials).
        using var content = new StringContent("email=a@example.test&password=x", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await client.PostAsync("/api/v1/auth/login", content);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task AQueryValueOfTheWrongTypeIsAValidationProblemNamingTheParameter()
    {
        using var client = api.CreateClient();
        client.WithBearer((await client.RegisterAsync()).AccessToken);

        using var response = await client.GetAsync("/api/v1/api-keys?limit=abc");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        problem.FieldErrors("limit");
        Assert.DoesNotContain("abc", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FieldRulesAreAValidationProblemListingEveryField()
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = "", email = "not-an-email", password = "short" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        problem.FieldErrors("email");
        problem.FieldErrors("password");
    }

    [Fact]
    public async Task AMissingCredentialIsAnUnauthorizedProblem()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/api/v1/auth/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    internal static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(url, content);
    }
}
