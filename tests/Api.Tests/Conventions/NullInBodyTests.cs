using System.Net;
using System.Text;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Workspaces;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>
/// A <c>null</c> inside a request body's array or string map is a 400 VALIDATION_ERROR naming it by its JSON path,
/// on every endpoint with a body (one filter covers them all), never a 500; nothing is stored.
/// </summary>
public sealed class NullInBodyTests(DomainApiFixture api) : IClassFixture<DomainApiFixture>
{
    public static TheoryData<string, string, string, string> NullBodies => new()
    {
        // method, path, body, the field the problem must name
        { "POST", "/api/v1/workspaces", """{"name":"w","tags":[null]}""", "tags[0]" },
        { "POST", "/api/v1/workspaces", """{"name":"w","tags":["a",null]}""", "tags[1]" },
        { "POST", "/api/v1/workspaces", """{"name":"w","metadata":{"foo":null}}""", "metadata.foo" },
        { "PUT", "/api/v1/workspaces/{workspace}", """{"metadata":{"team":"a","foo":null}}""", "metadata.foo" },
        { "PUT", "/api/v1/workspaces/{workspace}", """{"tags":[null]}""", "tags[0]" },
        { "POST", "/api/v1/tasks", """{"workspace_id":"{workspace}","type":"command","command":["echo",null]}""", "command[1]" },
        { "POST", "/api/v1/tasks", """{"workspace_id":"{workspace}","type":"command","command":["true"],"env":{"PATH":null}}""", "env.PATH" },
        { "POST", "/api/v1/workspaces", """{"name":"w","metadata":{"ownerTeam":null}}""", "metadata.ownerTeam" },
        { "PUT", "/api/v1/stores/{store}/menu", """{"categories":[null]}""", "categories[0]" },
        { "PUT", "/api/v1/stores/{store}/menu", """{"categories":[{"name":"Mains","items":[{"name":"Soup","price":500},null]}]}""", "categories[0].items[1]" },
        { "POST", "/api/v1/orders", """{"store_id":"{store}","items":[null]}""", "items[0]" },
        { "POST", "/api/v1/orders", """{"store_id":"{store}","items":[{"menu_item_id":"{store}","quantity":1},null]}""", "items[1]" },
    };

    [Theory]
    [MemberData(nameof(NullBodies))]
    public async Task ANullInsideABodyIsAValidationErrorNamingTheField(string method, string path, string body, string field)
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        using var client = api.As(owner);
        var store = await CreateStoreAsync(client);
        string Fill(string text) => text.Replace("{workspace}", workspace, StringComparison.Ordinal).Replace("{store}", store, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(path))
        {
            Content = new StringContent(Fill(body), Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(problem.FieldErrors(field));
    }

    [Fact]
    public async Task ARefusedNullMetadataValueLeavesTheWorkspaceAsItWas()
    {
        var owner = await api.RegisterAsync();
        using var client = api.As(owner);
        using var created = await client.PostJsonAsync("/api/v1/workspaces", new { name = "Kept", metadata = new Dictionary<string, string> { ["team"] = "a" } });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;

        using var update = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/workspaces/{id}")
        {
            Content = new StringContent("""{"name":"Changed","metadata":{"team":null}}""", Encoding.UTF8, "application/json"),
        };
        await (await client.SendAsync(update)).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        var workspace = await (await client.GetAsync($"/api/v1/workspaces/{id}")).ReadJsonAsync();
        Assert.Equal("Kept", workspace.GetProperty("name").GetString());
        Assert.Equal("a", workspace.GetProperty("metadata").GetProperty("team").GetString());
    }

    private static async Task<string> CreateStoreAsync(HttpClient client)
    {
        using var response = await client.PostJsonAsync("/api/v1/stores", new { name = "Cafe" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }
}
