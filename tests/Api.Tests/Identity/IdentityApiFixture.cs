using System.Net;
using System.Text.Json;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Identity;

/// <summary>
/// A silo on a fresh database for one test class, with its first user (the admin) registered. Passwords
/// hash with 1,000 iterations to keep the suite fast (allowed in the Testing environment only);
/// <see cref="PasswordParameterTests"/> covers the production count. (ApiFactory raises the rate limits
/// out of the way: every test registers and logs in from the same address.)
/// </summary>
public class IdentityApiFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    public ApiFactory Factory { get; private set; } = null!;

    /// <summary>The first registered user, hence admin (null for <see cref="EmptyIdentityApiFixture"/>).</summary>
    public SignedInUser Admin { get; private set; } = null!;

    protected virtual bool RegisterAdmin => true;

    public string SigningKey => Factory.Settings["Auth:SigningKey"]!;

    public async Task InitializeAsync()
    {
        Factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Auth:Passwords:Iterations"] = "1000",
        });
        Factory.StartServer();
        if (RegisterAdmin)
        {
            Admin = await RegisterAsync("admin");
            Assert.Equal("admin", Admin.Role);
        }
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public HttpClient Anonymous() => Factory.CreateClient();

    public HttpClient As(SignedInUser user) => Factory.CreateClient().WithBearer(user.AccessToken);

    public HttpClient WithApiKey(string key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }

    /// <summary>Registers a user with a unique email and <see cref="Password"/>.</summary>
    public async Task<SignedInUser> RegisterAsync(string name = "user")
    {
        using var client = Anonymous();
        var email = $"{name}-{Guid.NewGuid():N}@example.com";
        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = name, email, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return SignedInUser.From(await response.ReadJsonAsync(), email);
    }

    public async Task<HttpResponseMessage> LoginAsync(string email, string password)
    {
        using var client = Anonymous();
        return await client.PostJsonAsync("/api/v1/auth/login", new { email, password });
    }

    public async Task<HttpResponseMessage> RefreshAsync(string refreshToken)
    {
        using var client = Anonymous();
        return await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = refreshToken });
    }

    /// <summary>A new user whose role the admin set to <paramref name="role"/>.</summary>
    public async Task<SignedInUser> RegisterWithRoleAsync(string role)
    {
        var user = await RegisterAsync(role);
        using var admin = As(Admin);
        using var response = await admin.PutJsonAsync($"/api/v1/users/{user.Id}/role", new { role });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return user with { Role = role };
    }

    /// <summary>The audit entries (newest first) matching the query string, read as the admin.</summary>
    public async Task<List<JsonElement>> AuditAsync(string query)
    {
        using var admin = As(Admin);
        using var response = await admin.GetAsync($"/api/v1/audit-logs?limit=100&{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).GetProperty("data").EnumerateArray()];
    }
}

/// <summary>Like <see cref="IdentityApiFixture"/>, but nobody is registered yet.</summary>
public sealed class EmptyIdentityApiFixture : IdentityApiFixture
{
    protected override bool RegisterAdmin => false;
}

/// <summary>A registered user and the tokens of the session the registration started.</summary>
public sealed record SignedInUser(string Id, string Email, string Role, string AccessToken, string RefreshToken)
{
    public static SignedInUser From(JsonElement session, string email)
    {
        var user = session.GetProperty("user");
        return new SignedInUser(
            user.GetProperty("id").GetString()!,
            email,
            user.GetProperty("role").GetString()!,
            session.GetProperty("access_token").GetString()!,
            session.GetProperty("refresh_token").GetString()!);
    }
}
