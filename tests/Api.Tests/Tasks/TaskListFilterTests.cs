using System.Net;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Workspaces;

namespace OrleansHub.Api.Tests.Tasks;

/// <summary>docs/api.md "Tasks": <c>GET /api/v1/tasks</c> filters by the contract's <c>workspace_id</c> (and the older <c>workspaceId</c>).</summary>
public sealed class TaskListFilterTests(DomainApiFixture api) : IClassFixture<DomainApiFixture>
{
    [Theory]
    [InlineData("workspace_id")]
    [InlineData("workspaceId")]
    public async Task TheWorkspaceFilterListsOnlyThatWorkspacesTasks(string parameter)
    {
        var owner = await api.RegisterAsync();
        var first = await api.CreateWorkspaceAsync(owner, "First");
        var second = await api.CreateWorkspaceAsync(owner, "Second");
        using var client = api.As(owner);
        var inFirst = await CreateTaskAsync(client, first);
        var inSecond = await CreateTaskAsync(client, second);

        var all = await (await client.GetAsync("/api/v1/tasks")).ReadJsonAsync();
        Assert.Equal([inFirst, inSecond], Ids(all).Order());

        var firstOnly = await (await client.GetAsync($"/api/v1/tasks?{parameter}={first}")).ReadJsonAsync();
        Assert.Equal([inFirst], Ids(firstOnly));
        Assert.Equal(1, firstOnly.GetProperty("pagination").GetProperty("total").GetInt32());
        var secondOnly = await (await client.GetAsync($"/api/v1/tasks?{parameter}={second}")).ReadJsonAsync();
        Assert.Equal([inSecond], Ids(secondOnly));
    }

    [Fact]
    public async Task TwoDifferentSpellingsOfTheFilterAreAValidationError()
    {
        var owner = await api.RegisterAsync();
        var first = await api.CreateWorkspaceAsync(owner, "First");
        var second = await api.CreateWorkspaceAsync(owner, "Second");
        using var client = api.As(owner);

        var problem = await (await client.GetAsync($"/api/v1/tasks?workspace_id={first}&workspaceId={second}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(problem.FieldErrors("workspace_id"));
        using var same = await client.GetAsync($"/api/v1/tasks?workspace_id={first}&workspaceId={first}");
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    private static async Task<string> CreateTaskAsync(HttpClient client, string workspace)
    {
        using var response = await client.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspace, type = "command", command = new[] { "true" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    private static IEnumerable<string> Ids(System.Text.Json.JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(task => task.GetProperty("id").GetString()!);
}
