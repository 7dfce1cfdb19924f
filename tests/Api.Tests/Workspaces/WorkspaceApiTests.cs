using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Workspaces;

public sealed class WorkspaceApiTests(DomainApiFixture api) : IClassFixture<DomainApiFixture>
{
    [Fact]
    public async Task AnOwnerCreatesReadsUpdatesAndDeletesAWorkspace()
    {
        var owner = await api.RegisterAsync();
        using var client = api.As(owner);

        using var created = await client.PostJsonAsync("/api/v1/workspaces",
            new { name = "Ops", description = "d", tags = new[] { "a", "b" }, metadata = new Dictionary<string, string> { ["k"] = "v" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var workspace = await created.ReadJsonAsync();
        var id = workspace.GetProperty("id").GetString()!;
        Assert.Equal(7, Guid.Parse(id).Version); // time-ordered (docs/performance.md)
        Assert.Equal(owner.Id, workspace.GetProperty("owner_id").GetString());
        Assert.Equal("active", workspace.GetProperty("status").GetString());
        Assert.Equal(0, workspace.GetProperty("stats").GetProperty("total_tasks").GetInt32());
        Assert.Equal($"/api/v1/workspaces/{id}", created.Headers.Location!.OriginalString);

        using var updated = await client.PutJsonAsync($"/api/v1/workspaces/{id}", new { name = "Ops 2", status = "archived" });
        var after = await updated.ReadJsonAsync();
        Assert.Equal("Ops 2", after.GetProperty("name").GetString());
        Assert.Equal("archived", after.GetProperty("status").GetString());
        Assert.Equal("d", after.GetProperty("description").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/workspaces/{id}")).StatusCode);
        await (await client.GetAsync($"/api/v1/workspaces/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task InvalidWorkspacesAreRejectedWithTheFieldsNamed()
    {
        using var client = api.As(await api.RegisterAsync());

        using var response = await client.PostJsonAsync("/api/v1/workspaces", new { name = "", tags = Enumerable.Repeat("t", 40).ToArray() });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(problem.FieldErrors("name"));
        Assert.NotEmpty(problem.FieldErrors("tags"));
    }

    [Fact]
    public async Task ViewersReadEditorsWriteStrangersSeeNothingAndOnlyTheOwnerManagesMembers()
    {
        var owner = await api.RegisterAsync("owner");
        var viewer = await api.RegisterAsync("viewer");
        var editor = await api.RegisterAsync("editor");
        var stranger = await api.RegisterAsync("stranger");
        var id = await api.CreateWorkspaceAsync(owner);
        await api.AddMemberAsync(owner, id, viewer, "viewer");
        await api.AddMemberAsync(owner, id, editor, "editor");
        using var asViewer = api.As(viewer);
        using var asEditor = api.As(editor);
        using var asStranger = api.As(stranger);

        Assert.Equal(HttpStatusCode.OK, (await asViewer.GetAsync($"/api/v1/workspaces/{id}")).StatusCode);
        await (await asViewer.PutJsonAsync($"/api/v1/workspaces/{id}", new { name = "x" })).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await asEditor.PutJsonAsync($"/api/v1/workspaces/{id}", new { name = "by editor" })).StatusCode);
        await (await asEditor.DeleteAsync($"/api/v1/workspaces/{id}")).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await (await asEditor.PostJsonAsync($"/api/v1/workspaces/{id}/members", new { user_id = stranger.Id, role = "editor" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await (await asStranger.GetAsync($"/api/v1/workspaces/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await asStranger.PutJsonAsync($"/api/v1/workspaces/{id}", new { name = "x" })).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await asStranger.DeleteAsync($"/api/v1/workspaces/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");

        // Removal takes effect at once.
        using var owned = api.As(owner);
        Assert.Equal(HttpStatusCode.NoContent, (await owned.DeleteAsync($"/api/v1/workspaces/{id}/members/{viewer.Id}")).StatusCode);
        await (await asViewer.GetAsync($"/api/v1/workspaces/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task AddingAnUnknownUserOrABadRoleIsAValidationError()
    {
        var owner = await api.RegisterAsync();
        var other = await api.RegisterAsync();
        var id = await api.CreateWorkspaceAsync(owner);
        using var client = api.As(owner);

        var unknown = await (await client.PostJsonAsync($"/api/v1/workspaces/{id}/members", new { user_id = Guid.NewGuid().ToString(), role = "viewer" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(unknown.FieldErrors("user_id"));
        var badRole = await (await client.PostJsonAsync($"/api/v1/workspaces/{id}/members", new { user_id = other.Id, role = "owner" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(badRole.FieldErrors("role"));
    }

    [Fact]
    public async Task TheListShowsOnlyTheCallersWorkspacesWithSearchSortStatusAndPagination()
    {
        var me = await api.RegisterAsync();
        var other = await api.RegisterAsync();
        foreach (var name in new[] { "Beta", "alpha", "Gamma_1", "Delta" })
        {
            await api.CreateWorkspaceAsync(me, name);
        }
        var shared = await api.CreateWorkspaceAsync(other, "Shared with me");
        await api.AddMemberAsync(other, shared, me, "viewer");
        await api.CreateWorkspaceAsync(other, "Not mine");
        using var client = api.As(me);

        var all = await (await client.GetAsync("/api/v1/workspaces?sort=name:asc&limit=3")).ReadJsonAsync();
        Assert.Equal(["alpha", "Beta", "Delta"], all.GetProperty("data").EnumerateArray().Select(w => w.GetProperty("name").GetString()));
        var pagination = all.GetProperty("pagination");
        Assert.Equal(5, pagination.GetProperty("total").GetInt32());
        Assert.True(pagination.GetProperty("has_next").GetBoolean());
        Assert.False(pagination.GetProperty("has_prev").GetBoolean());

        var second = await (await client.GetAsync("/api/v1/workspaces?sort=name:asc&limit=3&offset=3")).ReadJsonAsync();
        Assert.Equal(["Gamma_1", "Shared with me"], second.GetProperty("data").EnumerateArray().Select(w => w.GetProperty("name").GetString()));

        // "_" is a literal, not a LIKE wildcard.
        var searched = await (await client.GetAsync("/api/v1/workspaces?search=a_1")).ReadJsonAsync();
        Assert.Equal(["Gamma_1"], searched.GetProperty("data").EnumerateArray().Select(w => w.GetProperty("name").GetString()));

        var pastTheEnd = await (await client.GetAsync("/api/v1/workspaces?offset=50")).ReadJsonAsync();
        Assert.Equal(0, pastTheEnd.GetProperty("data").GetArrayLength());
        Assert.Equal(5, pastTheEnd.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.True(pastTheEnd.GetProperty("pagination").GetProperty("has_prev").GetBoolean());

        var clamped = await (await client.GetAsync("/api/v1/workspaces?limit=5000")).ReadJsonAsync();
        Assert.Equal(100, clamped.GetProperty("pagination").GetProperty("limit").GetInt32());
        await (await client.GetAsync("/api/v1/workspaces?sort=owner_id:asc")).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }
}
