using System.Net;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Realtime.Client;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Realtime;

/// <summary>
/// A silo for the hub suites: the local process executor, one allowed cross-origin page, and helpers that drive
/// status changes through the REST API. <see cref="Settings"/> adds settings for a derived fixture.
/// </summary>
public class RealtimeFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://app.example.test";

    public ApiFactory Factory { get; private set; } = null!;

    public Uri Server => Factory.ClientOptions.BaseAddress;

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Passwords:Iterations"] = "1000",
            ["Execution:Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
            ["Cors:AllowedOrigins:0"] = AllowedOrigin,
            // Access lost without an event must not be caught by the periodic re-check in the middle of a test
            // that shows the event does it.
            ["Realtime:AccessRecheckInterval"] = "1.00:00:00",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }
        Factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), settings);
        Factory.StartServer();
        _ = await RegisterAsync("first-admin"); // so later users are plain users
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public HttpClient As(SignedInUser user) => Factory.CreateClient().WithBearer(user.AccessToken);

    public async Task<SignedInUser> RegisterAsync(string name = "user")
    {
        using var client = Factory.CreateClient();
        var email = $"{name}-{Guid.NewGuid():N}@example.com";
        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = name, email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return SignedInUser.From(await response.ReadJsonAsync(), email);
    }

    /// <summary>The official SignalR client, connected with the user's bearer token and fully set up.</summary>
    public Task<StatusHubClient> ConnectAsync(SignedInUser user) => StatusHubClient.ConnectAsync(Server, accessToken: user.AccessToken);

    /// <summary>
    /// Renames <paramref name="owner"/>'s marker workspace, which each hub follows, and returns for each hub what it
    /// received before the rename's event. The connection sends in order and the client hands invocations to its
    /// handlers in order, so whatever was sent to it before the marker is in the list: how a test shows that nothing
    /// (else) arrived. (An answered call does not show it: the client completes calls on its receive loop, ahead
    /// of the handlers.)
    /// </summary>
    public async Task<List<HubInvocation>[]> ReceivedBeforeMarkerAsync(SignedInUser owner, string markerWorkspace, params StatusHubClient[] hubs)
    {
        var name = "marker " + Guid.NewGuid().ToString("N");
        await RenameAsync(owner, markerWorkspace, name);
        var received = new List<HubInvocation>[hubs.Length];
        for (var i = 0; i < hubs.Length; i++)
        {
            var invocations = await hubs[i].InvocationsUntilAsync(e => e.Stream == $"workspace:{markerWorkspace}" && e.Data.GetProperty("name").GetString() == name);
            received[i] = invocations[..^1];
        }
        return received;
    }

    public async Task<string> CreateWorkspaceAsync(SignedInUser owner)
    {
        using var client = As(owner);
        using var response = await client.PostJsonAsync("/api/v1/workspaces", new { name = "Live" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>Renames the workspace: one <c>workspace.updated</c> event.</summary>
    public async Task RenameAsync(SignedInUser caller, string workspaceId, string name)
    {
        using var client = As(caller);
        using var response = await client.PutJsonAsync($"/api/v1/workspaces/{workspaceId}", new { name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task AddMemberAsync(SignedInUser owner, string workspaceId, SignedInUser member, string role = "viewer")
    {
        using var client = As(owner);
        using var response = await client.PostJsonAsync($"/api/v1/workspaces/{workspaceId}/members", new { user_id = member.Id, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public async Task RemoveMemberAsync(SignedInUser owner, string workspaceId, SignedInUser member)
    {
        using var client = As(owner);
        using var response = await client.DeleteAsync($"/api/v1/workspaces/{workspaceId}/members/{member.Id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Starts a task running <paramref name="command"/>; returns its id.</summary>
    public async Task<string> CreateTaskAsync(SignedInUser caller, string workspaceId, params string[] command)
    {
        using var client = As(caller);
        using var response = await client.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspaceId, type = "command", command });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    public async Task CancelTaskAsync(SignedInUser caller, string taskId)
    {
        using var client = As(caller);
        using var response = await client.PostAsync($"/api/v1/tasks/{taskId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
