using System.Net;
using System.Text.Json;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Identity;

public sealed class ApiKeyTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task AKeyAuthenticatesAsItsOwnerThroughTheHeader()
    {
        var owner = await api.RegisterAsync("owner");
        var key = await CreateKeyAsync(owner, "ci");

        using var client = api.WithApiKey(key.GetProperty("key").GetString()!);
        using var me = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(owner.Id, (await me.ReadJsonAsync()).GetProperty("id").GetString());
        Assert.Equal("user", key.GetProperty("role").GetString());
        Assert.StartsWith("ohk_", key.GetProperty("key").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyAndABearerTokenTogetherAre401EvenWhenBothAreValid()
    {
        var owner = await api.RegisterAsync("both");
        var key = await CreateKeyAsync(owner, "ci");
        using var client = api.WithApiKey(key.GetProperty("key").GetString()!).WithBearer(owner.AccessToken);

        using var me = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal("UNAUTHORIZED", (await me.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheSecretIsShownOnceAndNeverListed()
    {
        var owner = await api.RegisterAsync("lister");
        var key = await CreateKeyAsync(owner, "deploy");
        var secret = key.GetProperty("key").GetString()!;

        using var client = api.As(owner);
        using var list = await client.GetAsync("/api/v1/api-keys");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var text = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[^20..], text, StringComparison.Ordinal);
        var page = JsonDocument.Parse(text).RootElement;
        var listed = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal(key.GetProperty("id").GetString(), listed.GetProperty("id").GetString());
        Assert.Equal("deploy", listed.GetProperty("name").GetString());
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.Equal(1, page.GetProperty("pagination").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task ARevokedKeyIs401AndTheRevocationIsAudited()
    {
        var owner = await api.RegisterAsync("revoker");
        var key = await CreateKeyAsync(owner, "old");
        using var keyClient = api.WithApiKey(key.GetProperty("key").GetString()!);
        using (var before = await keyClient.GetAsync("/api/v1/auth/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var ownerClient = api.As(owner);
        using var revoke = await ownerClient.DeleteAsync($"/api/v1/api-keys/{key.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using (var after = await keyClient.GetAsync("/api/v1/auth/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
        using (var again = await ownerClient.DeleteAsync($"/api/v1/api-keys/{key.GetProperty("id").GetString()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
        var actions = (await api.AuditAsync($"user_id={owner.Id}")).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("api_key_created", actions);
        Assert.Contains("api_key_revoked", actions);
    }

    [Fact]
    public async Task AnotherUsersKeyIs404ToDeleteAndKeepsWorking()
    {
        var alice = await api.RegisterAsync("alice");
        var bob = await api.RegisterAsync("bob");
        var key = await CreateKeyAsync(alice, "alice's");

        using var bobClient = api.As(bob);
        using var delete = await bobClient.DeleteAsync($"/api/v1/api-keys/{key.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using var aliceKey = api.WithApiKey(key.GetProperty("key").GetString()!);
        using var me = await aliceKey.GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var bobList = await bobClient.GetAsync("/api/v1/api-keys");
        Assert.Empty((await bobList.ReadJsonAsync()).GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("ohk_nope")]
    [InlineData("ohk_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AnUnknownKeyIs401(string key)
    {
        using var client = api.WithApiKey(key);

        using var response = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AKeyWithATamperedSecretIs401()
    {
        var owner = await api.RegisterAsync("tamper");
        var secret = (await CreateKeyAsync(owner, "t")).GetProperty("key").GetString()!;
        var tampered = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');

        using var client = api.WithApiKey(tampered);
        using var response = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AKeyCannotOutrankItsOwner()
    {
        var owner = await api.RegisterAsync("climber");
        using var client = api.As(owner);

        using var response = await client.PostJsonAsync("/api/v1/api-keys", new { name = "root", role = "admin" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("FORBIDDEN", (await response.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AViewerKeyOfAUserCannotWrite()
    {
        var owner = await api.RegisterAsync("scoped");
        var key = await CreateKeyAsync(owner, "read-only", role: "viewer");
        using var client = api.WithApiKey(key.GetProperty("key").GetString()!);

        using var read = await client.GetAsync("/api/v1/api-keys");
        using var write = await client.PostJsonAsync("/api/v1/api-keys", new { name = "more" });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task KeysCannotBeManagedWithAKey()
    {
        var owner = await api.RegisterAsync("automation");
        var key = await CreateKeyAsync(owner, "bot");
        using var client = api.WithApiKey(key.GetProperty("key").GetString()!);

        using var create = await client.PostJsonAsync("/api/v1/api-keys", new { name = "child" });
        using var revoke = await client.DeleteAsync($"/api/v1/api-keys/{key.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
    }

    private async Task<JsonElement> CreateKeyAsync(SignedInUser owner, string name, string? role = null)
    {
        using var client = api.As(owner);
        using var response = await client.PostJsonAsync("/api/v1/api-keys", role is null ? (object)new { name } : new { name, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
