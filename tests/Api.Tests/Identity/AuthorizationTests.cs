using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Identity;

public sealed class AuthorizationTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task AViewerReadsButGets403OnAMutatingEndpoint()
    {
        var viewer = await api.RegisterWithRoleAsync("viewer");
        using var client = api.As(viewer);

        using var write = await client.PostJsonAsync("/api/v1/api-keys", new { name = "nope" });
        using var read = await client.GetAsync("/api/v1/api-keys");
        using var me = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("FORBIDDEN", (await write.ReadJsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("viewer", (await me.ReadJsonAsync()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task AViewerMayStillRefreshAndLogOut()
    {
        var viewer = await api.RegisterWithRoleAsync("viewer");

        using var refresh = await api.RefreshAsync(viewer.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var rotated = SignedInUser.From(await refresh.ReadJsonAsync(), viewer.Email);
        using var client = api.As(rotated);
        using var logout = await client.PostAsync("/api/v1/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/users")]
    [InlineData("/api/v1/audit-logs")]
    public async Task NonAdminsGet403OnAdminLists(string path)
    {
        var user = await api.RegisterAsync();
        var viewer = await api.RegisterWithRoleAsync("viewer");

        using var userClient = api.As(user);
        using var viewerClient = api.As(viewer);
        using var adminClient = api.As(api.Admin);

        using var asUser = await userClient.GetAsync(path);
        using var asViewer = await viewerClient.GetAsync(path);
        using var asAdmin = await adminClient.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asViewer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
    }

    [Fact]
    public async Task AnAdminChangesARoleItAppliesAtOnceAndIsAudited()
    {
        var user = await api.RegisterAsync("demoted");
        using var userClient = api.As(user);
        using (var before = await userClient.PostJsonAsync("/api/v1/api-keys", new { name = "allowed" }))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        using var admin = api.As(api.Admin);
        using var change = await admin.PutJsonAsync($"/api/v1/users/{user.Id}/role", new { role = "viewer" });

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal("viewer", (await change.ReadJsonAsync()).GetProperty("role").GetString());

        // The user's existing access token says "user"; the current role is what counts.
        using (var after = await userClient.PostJsonAsync("/api/v1/api-keys", new { name = "refused" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        }
        var entry = Assert.Single(await api.AuditAsync($"action=role_changed&user_id={api.Admin.Id}"), e => e.GetProperty("target").GetString() == $"user:{user.Id}");
        Assert.Equal("user", entry.GetProperty("details").GetProperty("from").GetString());
        Assert.Equal("viewer", entry.GetProperty("details").GetProperty("to").GetString());
    }

    [Fact]
    public async Task NobodyChangesTheirOwnRole()
    {
        var user = await api.RegisterAsync("ambitious");

        using var userClient = api.As(user);
        using var adminClient = api.As(api.Admin);

        using var byUser = await userClient.PutJsonAsync($"/api/v1/users/{user.Id}/role", new { role = "admin" });
        using var byAdmin = await adminClient.PutJsonAsync($"/api/v1/users/{api.Admin.Id}/role", new { role = "viewer" });

        Assert.Equal(HttpStatusCode.Forbidden, byUser.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        using var me = await userClient.GetAsync("/api/v1/auth/me");
        Assert.Equal("user", (await me.ReadJsonAsync()).GetProperty("role").GetString());
        using var adminMe = await adminClient.GetAsync("/api/v1/auth/me");
        Assert.Equal("admin", (await adminMe.ReadJsonAsync()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task RoleChangesOfUnknownUsersAre404AndUnknownRoles400()
    {
        var user = await api.RegisterAsync("target");
        using var admin = api.As(api.Admin);

        using var unknown = await admin.PutJsonAsync($"/api/v1/users/{Guid.NewGuid()}/role", new { role = "viewer" });
        using var notAnId = await admin.PutJsonAsync("/api/v1/users/not-a-uuid/role", new { role = "viewer" });
        using var badRole = await admin.PutJsonAsync($"/api/v1/users/{user.Id}/role", new { role = "root" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.True((await badRole.ReadJsonAsync()).GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task TheUserListIsPaginatedAndSortable()
    {
        await api.RegisterAsync("zz-listed");
        await api.RegisterAsync("aa-listed");
        using var admin = api.As(api.Admin);

        using var firstPage = await admin.GetAsync("/api/v1/users?limit=1&offset=0&sort=created_at:asc");
        using var byName = await admin.GetAsync("/api/v1/users?limit=100&sort=username:asc");
        using var badSort = await admin.GetAsync("/api/v1/users?sort=password_hash:asc");

        var page = await firstPage.ReadJsonAsync();
        Assert.Equal(api.Admin.Id, Assert.Single(page.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        var pagination = page.GetProperty("pagination");
        Assert.Equal(1, pagination.GetProperty("limit").GetInt32());
        Assert.True(pagination.GetProperty("total").GetInt64() >= 3);
        Assert.True(pagination.GetProperty("has_next").GetBoolean());
        Assert.False(pagination.GetProperty("has_prev").GetBoolean());
        var names = (await byName.ReadJsonAsync()).GetProperty("data").EnumerateArray().Select(u => u.GetProperty("username").GetString()!).ToList();
        Assert.True(names.IndexOf("aa-listed") < names.IndexOf("zz-listed"));
        Assert.Equal("zz-listed", names[^1]);
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
    }
}
