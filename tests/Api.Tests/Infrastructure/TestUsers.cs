using System.Net;
using System.Text.Json;

namespace OrleansHub.Api.Tests.Infrastructure;

/// <summary>A user registered through the API (docs/api.md "Identity and sessions").</summary>
public sealed record TestUser(string Id, string Email, string Password, string AccessToken, string RefreshToken);

public static class TestUsers
{
    /// <summary>Registers a new user with a unique email and a random password; fails the test if the API refuses.</summary>
    public static async Task<TestUser> RegisterAsync(this HttpClient client)
    {
        var name = "user" + Guid.NewGuid().ToString("N")[..12];
        var email = name + "@example.test";
        var password = "pw-" + Guid.NewGuid().ToString("N");
        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = name, email, password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"register answered {(int)response.StatusCode}: {body}");
        var session = JsonDocument.Parse(body).RootElement;
        return new TestUser(
            session.GetProperty("user").GetProperty("id").GetString()!,
            email,
            password,
            session.GetProperty("access_token").GetString()!,
            session.GetProperty("refresh_token").GetString()!);
    }
}
