using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Identity;

public sealed class SessionTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task LoginStartsANewSessionWhateverTheEmailsCase()
    {
        var user = await api.RegisterAsync("login");

        using var response = await api.LoginAsync(user.Email.ToUpperInvariant(), IdentityApiFixture.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = SignedInUser.From(await response.ReadJsonAsync(), user.Email);
        Assert.Equal(user.Id, session.Id);
        Assert.NotEqual(user.RefreshToken, session.RefreshToken);
        using var client = api.As(session);
        using var me = await client.GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.ReadJsonAsync();
        Assert.Equal(user.Id, body.GetProperty("id").GetString());
        Assert.Equal(user.Email, body.GetProperty("email").GetString());
        Assert.Equal("user", body.GetProperty("role").GetString());
        Assert.Contains(await api.AuditAsync($"user_id={user.Id}&action=login"), e => e.GetProperty("details").GetProperty("via").GetString() == "password");
    }

    [Fact]
    public async Task AWrongPasswordIs401AndAuditedAsLoginFailed()
    {
        var user = await api.RegisterAsync("typo");

        using var response = await api.LoginAsync(user.Email, IdentityApiFixture.Password + "!");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", (await response.ReadJsonAsync()).GetProperty("code").GetString());
        var entry = Assert.Single(await api.AuditAsync($"user_id={user.Id}&action=login_failed"));
        Assert.Equal($"user:{user.Id}", entry.GetProperty("target").GetString());
        Assert.Equal("wrong_password", entry.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("ip").GetString());
        Assert.DoesNotContain(IdentityApiFixture.Password, entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownEmailGetsTheSame401AndIsAuditedWithoutAUser()
    {
        var email = $"ghost-{Guid.NewGuid():N}@example.com";

        using var response = await api.LoginAsync(email, IdentityApiFixture.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var entry = Assert.Single(await api.AuditAsync("action=login_failed"), e => e.GetProperty("details").GetProperty("email").GetString() == email);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entry.GetProperty("user_id").ValueKind);
        Assert.Equal("unknown_email", entry.GetProperty("details").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task RefreshRotatesTheTokenAndEachRefreshTokenWorksOnce()
    {
        var user = await api.RegisterAsync("rotor");

        using var first = await api.RefreshAsync(user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rotated = SignedInUser.From(await first.ReadJsonAsync(), user.Email);
        Assert.NotEqual(user.RefreshToken, rotated.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(rotated));

        using var second = await api.RefreshAsync(rotated.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var newest = SignedInUser.From(await second.ReadJsonAsync(), user.Email);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(newest));
    }

    [Fact]
    public async Task AReplayedRefreshTokenRevokesTheWholeSession()
    {
        var victim = await api.RegisterAsync("victim");
        using var rotatedResponse = await api.RefreshAsync(victim.RefreshToken);
        var rotated = SignedInUser.From(await rotatedResponse.ReadJsonAsync(), victim.Email);
        using var otherLogin = await api.LoginAsync(victim.Email, IdentityApiFixture.Password);
        var otherSession = SignedInUser.From(await otherLogin.ReadJsonAsync(), victim.Email);

        using var replay = await api.RefreshAsync(victim.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        using (var newestRefresh = await api.RefreshAsync(rotated.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, newestRefresh.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(rotated));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(victim));

        // Only that session: the user's other login is untouched.
        Assert.Equal(HttpStatusCode.OK, await MeAsync(otherSession));
        Assert.Single(await api.AuditAsync($"user_id={victim.Id}&action=refresh_token_reused"));
    }

    [Fact]
    public async Task LogoutEndsTheSessionAtOnce()
    {
        var user = await api.RegisterAsync("leaver");
        using var client = api.As(user);
        using (var before = await client.GetAsync("/api/v1/auth/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var logout = await client.PostAsync("/api/v1/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using (var after = await client.GetAsync("/api/v1/auth/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
            Assert.Equal("UNAUTHORIZED", (await after.ReadJsonAsync()).GetProperty("code").GetString());
        }
        using (var refresh = await api.RefreshAsync(user.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        }
        Assert.Single(await api.AuditAsync($"user_id={user.Id}&action=logout"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("00000000000000000000000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AMissingOrForgedRefreshTokenIsRefused(string token)
    {
        using var response = await api.RefreshAsync(token);

        Assert.Equal(token.Length == 0 ? HttpStatusCode.BadRequest : HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<HttpStatusCode> MeAsync(SignedInUser user)
    {
        using var client = api.As(user);
        using var response = await client.GetAsync("/api/v1/auth/me");
        return response.StatusCode;
    }
}
