using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Identity;

/// <summary>
/// Forged and broken access tokens. Each carries the claims of a live session, so the only thing wrong
/// with it is the property under test; the first test shows such a token is accepted when nothing is wrong.
/// </summary>
public sealed class AccessTokenTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    private AuthOptions Options => api.Factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;

    [Fact]
    public async Task ATokenMintedWithTheRightKeyIssuerAndAudienceIsAccepted()
    {
        var user = await api.RegisterAsync();

        Assert.Equal(HttpStatusCode.OK, await MeAsync(Mint(user)));
    }

    [Fact]
    public async Task AnUnsignedAlgNoneTokenIs401()
    {
        var user = await api.RegisterAsync();
        var payload = user.AccessToken.Split('.')[1];
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync($"{header}.{payload}."));
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyIs401()
    {
        var user = await api.RegisterAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(Mint(user, key: new byte[32])));
    }

    [Fact]
    public async Task ATokenSignedWithAnotherAlgorithmIs401()
    {
        var user = await api.RegisterAsync();
        var key = new byte[64];
        Convert.FromBase64String(api.SigningKey).CopyTo(key, 0);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(Mint(user, key: key, algorithm: SecurityAlgorithms.HmacSha512)));
    }

    [Fact]
    public async Task AnExpiredTokenIs401()
    {
        var user = await api.RegisterAsync();
        var now = DateTime.UtcNow;

        // 45 s past exp: beyond the 30 s of tolerated clock skew.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(Mint(user, notBefore: now.AddMinutes(-20), expires: now.AddSeconds(-45))));
    }

    [Fact]
    public async Task ATokenNotValidYetIs401()
    {
        var user = await api.RegisterAsync();
        var now = DateTime.UtcNow;

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(Mint(user, notBefore: now.AddMinutes(5), expires: now.AddMinutes(20))));
    }

    [Fact]
    public async Task ATokenForAnotherAudienceIs401()
    {
        var user = await api.RegisterAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(Mint(user, audience: "some-other-api")));
    }

    [Fact]
    public async Task ATokenFromAnotherIssuerIs401()
    {
        var user = await api.RegisterAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(Mint(user, issuer: "https://evil.example")));
    }

    [Fact]
    public async Task ATokenWithoutASessionIs401()
    {
        var user = await api.RegisterAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(Mint(user, sessionId: null)));
    }

    [Fact]
    public async Task ARoleClaimInTheTokenGrantsNothingBeyondTheUsersCurrentRole()
    {
        var user = await api.RegisterAsync();
        using var client = api.Factory.CreateClient().WithBearer(Mint(user));

        using var response = await client.GetAsync("/api/v1/users");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task NoCredentialsIs401WithABearerChallenge()
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("UNAUTHORIZED", (await response.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheAccessTokenQueryParameterCountsOnlyOnHubPaths()
    {
        var user = await api.RegisterAsync();
        using var client = api.Anonymous();

        // Browsers cannot set headers on WebSockets, so the hub takes the token from the query; REST does not.
        using var rest = await client.GetAsync($"/api/v1/auth/me?access_token={user.AccessToken}");
        using var negotiate = await client.PostAsync($"/hubs/status/negotiate?negotiateVersion=1&access_token={user.AccessToken}", null);
        using var anonymousNegotiate = await client.PostAsync("/hubs/status/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousNegotiate.StatusCode);
    }

    [Fact]
    public async Task AnUnknownRouteStays404WithoutCredentials()
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpStatusCode> MeAsync(string token)
    {
        using var client = api.Factory.CreateClient().WithBearer(token);
        using var response = await client.GetAsync("/api/v1/auth/me");
        return response.StatusCode;
    }

    /// <summary>A token with <paramref name="user"/>'s real sub and sid, and by default everything right.</summary>
    private string Mint(
        SignedInUser user,
        byte[]? key = null,
        string algorithm = SecurityAlgorithms.HmacSha256,
        string? issuer = null,
        string? audience = null,
        DateTime? notBefore = null,
        DateTime? expires = null,
        string? sessionId = "")
    {
        var real = new JsonWebToken(user.AccessToken);
        var claims = new Dictionary<string, object> { ["sub"] = real.Subject, ["role"] = "admin" };
        var sid = sessionId == "" ? real.GetClaim("sid").Value : sessionId;
        if (sid is not null)
        {
            claims["sid"] = sid;
        }
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Options.Issuer,
            Audience = audience ?? Options.Audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = expires ?? now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Convert.FromBase64String(api.SigningKey)), algorithm),
        });
    }
}
