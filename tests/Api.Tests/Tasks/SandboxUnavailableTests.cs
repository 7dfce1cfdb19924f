using System.Net;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Tasks;

/// <summary>
/// A silo with no sandbox (sandbox mode, bubblewrap "missing"): creating a task is a 503 with the
/// code and the way out, and nothing is stored. Everything else keeps working.
/// </summary>
public sealed class SandboxUnavailableTests : IAsyncLifetime
{
    private ApiFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Auth:Passwords:Iterations"] = "1000",
            ["Execution:Mode"] = "Sandbox",
            ["Execution:Sandbox:BwrapPath"] = "/nonexistent/orleanshub/bwrap",
        });
        _factory.StartServer();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task CreatingATaskAnswers503SandboxUnavailableAndStoresNothing()
    {
        using var anonymous = _factory.CreateClient();
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        using var registered = await anonymous.PostJsonAsync("/api/v1/auth/register", new { username = "owner", email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var owner = SignedInUser.From(await registered.ReadJsonAsync(), email);
        using var client = _factory.CreateClient().WithBearer(owner.AccessToken);
        using var workspace = await client.PostJsonAsync("/api/v1/workspaces", new { name = "Team" });
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceId = (await workspace.ReadJsonAsync()).GetProperty("id").GetString()!;

        using var created = await client.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspaceId, type = "command", command = new[] { "id" } });

        var problem = await created.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "SANDBOX_UNAVAILABLE");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("apt-get install bubblewrap", detail, StringComparison.Ordinal);
        Assert.Contains("Execution__Mode=UnsafeLocal", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("/nonexistent", detail, StringComparison.Ordinal);
        var listed = await (await client.GetAsync($"/api/v1/tasks?workspaceId={workspaceId}")).ReadJsonAsync();
        Assert.Equal(0, listed.GetProperty("data").GetArrayLength());
        var stats = (await (await client.GetAsync($"/api/v1/workspaces/{workspaceId}")).ReadJsonAsync()).GetProperty("stats");
        Assert.Equal(0, stats.GetProperty("total_tasks").GetInt32());
    }

    [Fact]
    public async Task TheOpenApiDocumentListsThe503OfCreateTask()
    {
        using var client = _factory.CreateClient();

        var document = await (await client.GetAsync("/openapi/v1.json")).ReadJsonAsync();

        var create = document.GetProperty("paths").GetProperty("/api/v1/tasks").GetProperty("post");
        Assert.True(create.GetProperty("responses").TryGetProperty("503", out _));
        Assert.Contains("SANDBOX_UNAVAILABLE", create.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
