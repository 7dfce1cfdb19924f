using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Identity;

public sealed class RegistrationTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task RegisterCreatesAUserAndStartsASession()
    {
        using var client = api.Anonymous();
        var email = $"Dana-{Guid.NewGuid():N}@Example.com";

        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = " dana ", email, password = IdentityApiFixture.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var session = await response.ReadJsonAsync();
        var user = session.GetProperty("user");
        Assert.True(Guid.TryParse(user.GetProperty("id").GetString(), out _));
        Assert.Equal("dana", user.GetProperty("username").GetString());
        Assert.Equal(email.ToLowerInvariant(), user.GetProperty("email").GetString());
        Assert.Equal("user", user.GetProperty("role").GetString());
        Assert.True(user.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(900, session.GetProperty("expires_in").GetInt32());
        Assert.Equal("Bearer", session.GetProperty("token_type").GetString());
        Assert.False(user.TryGetProperty("password_hash", out _));

        using var me = await api.Factory.CreateClient().WithBearer(session.GetProperty("access_token").GetString()!).GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(user.GetProperty("id").GetString(), (await me.ReadJsonAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task ADuplicateEmailInAnyCaseIsAConflict()
    {
        var existing = await api.RegisterAsync("first");
        using var client = api.Anonymous();

        using var response = await client.PostJsonAsync("/api/v1/auth/register",
            new { username = "second", email = "  " + existing.Email.ToUpperInvariant(), password = IdentityApiFixture.Password });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("CONFLICT", (await response.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AShortPasswordIsAValidationErrorNamingPassword()
    {
        using var client = api.Anonymous();

        using var response = await client.PostJsonAsync("/api/v1/auth/register",
            new { username = "shorty", email = $"s-{Guid.NewGuid():N}@example.com", password = "1234567" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("VALIDATION_ERROR", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("password", out _));
        Assert.False(errors.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task EveryInvalidFieldIsListed()
    {
        using var client = api.Anonymous();

        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = "", email = "not-an-email" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal(["email", "password", "username"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task ARoleSentToRegisterIsIgnored()
    {
        using var client = api.Anonymous();

        using var response = await client.PostJsonAsync("/api/v1/auth/register",
            new { username = "mallory", email = $"m-{Guid.NewGuid():N}@example.com", password = IdentityApiFixture.Password, role = "admin" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("user", (await response.ReadJsonAsync()).GetProperty("user").GetProperty("role").GetString());
    }
}
