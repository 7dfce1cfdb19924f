using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Security;

/// <summary>
/// Hostile input (OWASP API8, API10 where it reaches storage): long strings, control characters,
/// SQL and script fragments, invalid UTF-8, deep nesting. Always a 4xx problem or a normal answer,
/// never a 500, never a stack trace, never the input reflected back as markup.
/// </summary>
public sealed class HostileInputTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    public static TheoryData<string> HostileStrings => new()
    {
        new string('a', 100_000),
        "line1\r\nX-Injected: yes\r\n\r\n",
        "nul\0byte\u0001\u001f\u007f",
        "' OR '1'='1' --",
        "admin'; DROP TABLE users; --",
        "\"; SELECT pg_sleep(10); --",
        "<script>alert(1)</script>",
        "javascript:alert(document.cookie)",
        "{{7*7}}${7*7}",
        "../../../../etc/passwd",
        "\ud83d\ude00\u202e\ufeff",
        "\ud800",
    };

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public async Task HostileRegistrationFieldsAreRefusedOrStoredSafely(string hostile)
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/v1/auth/register", new
        {
            username = hostile,
            email = hostile,
            password = hostile,
        });

        await AssertClientErrorProblemAsync(response);
    }

    [Theory]
    [InlineData("nul\0@example.com")]
    [InlineData("bell\u0007@example.com")]
    [InlineData("a@exa\u007fmple.com")]
    [InlineData("a@example.c\u0085om")]
    public async Task EmailsWithControlCharactersAreValidationErrors(string email)
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/v1/auth/register", new
        {
            username = "control-" + Guid.NewGuid().ToString("N")[..8],
            email,
            password = "long-enough-password",
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(problem.FieldErrors("email"));
    }

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public async Task HostileLoginFieldsAreRefused(string hostile)
    {
        using var client = api.CreateClient();

        using var response = await client.PostJsonAsync("/api/v1/auth/login", new { email = hostile, password = hostile });

        await AssertClientErrorProblemAsync(response);
    }

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public async Task HostileUsernamesOfAValidRegistrationNeverBreakTheServer(string hostile)
    {
        using var client = api.CreateClient();
        var email = "hostile" + Guid.NewGuid().ToString("N")[..8] + "@example.test";

        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = hostile, email, password = "a-long-enough-password" });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        ProblemAssert.AssertNoServerInternals(body);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            // Stored as given and returned as JSON data, which a browser will not render as markup.
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            using var session = System.Text.Json.JsonDocument.Parse(body);
            Assert.Equal(hostile.Trim(), session.RootElement.GetProperty("user").GetProperty("username").GetString()!.Trim());
        }
        else
        {
            Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvalidUtf8IsAValidationProblem()
    {
        using var client = api.CreateClient();
        byte[] bytes = [.. "{\"email\":\""u8, 0xC3, 0x28, 0xFF, 0xFE, .. "\",\"password\":\"x\"}"u8];
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        using var response = await client.PostAsync("/api/v1/auth/login", content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task DeeplyNestedJsonIsAValidationProblem()
    {
        using var client = api.CreateClient();
        var json = "{\"email\":" + new string('[', 5000) + new string(']', 5000) + ",\"password\":\"x\"}";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/api/v1/auth/login", content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("/api/v1/users/' OR 1=1 --/role")]
    [InlineData("/api/v1/<script>alert(1)</script>")]
    [InlineData("/api/v1/auth/%00%0d%0aX-Injected:%20yes")]
    [InlineData("/api/v1/api-keys/..%2F..%2Fetc%2Fpasswd")]
    public async Task HostilePathsAreProblemsThatDoNotEchoThem(string path)
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync(path);

        var body = await response.Content.ReadAsStringAsync();
        Assert.InRange((int)response.StatusCode, 400, 499);

        // Kestrel itself refuses some bytes (a NUL in the path) with an empty 400 before any
        // middleware runs; whatever reaches the application comes back as a problem.
        if (body.Length > 0)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        ProblemAssert.AssertNoServerInternals(body);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Injected"));
    }

    [Fact]
    public async Task AHostileQueryStringIsHarmless()
    {
        using var client = api.CreateClient();
        client.WithBearer((await client.RegisterAsync()).AccessToken);

        using var response = await client.GetAsync("/api/v1/api-keys?limit=1%27%20OR%201%3D1&offset=%3Cscript%3E&sort=name;DROP%20TABLE%20users");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.DoesNotContain("<script>", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHostileRequestIdIsReplacedNotEchoed()
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "<script>alert(1)</script>");

        using var response = await client.SendAsync(request);

        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues("X-Request-Id")), out _));
    }

    private static async Task AssertClientErrorProblemAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        ProblemAssert.AssertNoServerInternals(body);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
    }
}
