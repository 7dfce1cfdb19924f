using System.Net;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Workspaces;

/// <summary>
/// A silo for the workspace and task suites: the local process executor (deterministic on any machine;
/// the Docker executor has its own suite), one running task per workspace, and a first (admin) user.
/// </summary>
public sealed class DomainApiFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Auth:Passwords:Iterations"] = "1000",
            ["Execution:Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
            ["Tasks:MaxRunningPerWorkspace"] = "1",
        });
        Factory.StartServer();
        Admin = await RegisterAsync("first-admin");
    }

    /// <summary>The first registered user, hence admin.</summary>
    public SignedInUser Admin { get; private set; } = null!;

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public HttpClient As(SignedInUser user) => Factory.CreateClient().WithBearer(user.AccessToken);

    public async Task<SignedInUser> RegisterAsync(string name = "user")
    {
        using var client = Factory.CreateClient();
        var email = $"{name}-{Guid.NewGuid():N}@example.com";
        using var response = await client.PostJsonAsync(
            "/api/v1/auth/register", new { username = name, email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return SignedInUser.From(await response.ReadJsonAsync(), email);
    }

    /// <summary>A workspace owned by <paramref name="owner"/>; returns its id.</summary>
    public async Task<string> CreateWorkspaceAsync(SignedInUser owner, string name = "Team")
    {
        using var client = As(owner);
        using var response = await client.PostJsonAsync("/api/v1/workspaces", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public async Task AddMemberAsync(SignedInUser owner, string workspaceId, SignedInUser member, string role)
    {
        using var client = As(owner);
        using var response = await client.PostJsonAsync($"/api/v1/workspaces/{workspaceId}/members", new { user_id = member.Id, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
