using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Auth;

/// <summary>
/// Authenticates <c>X-API-Key</c> (docs/identity.md "API keys"). The key's grain verifies its hash, and the
/// owner's current role caps the key's. A request that also carries a bearer token is refused: one caller,
/// one credential.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[HubAuthentication.ApiKeyHeader].ToString();
        if (key.Length == 0)
        {
            return Failed("an empty API key");
        }
        if (Request.Headers.Authorization.Count > 0)
        {
            return Failed("both a bearer token and an API key");
        }
        var grains = Context.RequestServices.GetRequiredService<IGrainFactory>();
        if (!SecretTokens.TryReadApiKey(key, out var keyId)
            || await grains.GetGrain<IApiKeyGrain>(keyId).VerifyAsync(SecretTokens.Hash(key)) is not { } apiKey)
        {
            return Failed("invalid API key");
        }
        if (await grains.GetGrain<IUserGrain>(apiKey.OwnerId).GetAsync() is not { } owner)
        {
            return Failed("unknown key owner");
        }
        // A key never has more rights than its owner has now (the owner may have been demoted since).
        var role = Roles.Min(apiKey.Role, owner.Role);
        var identity = new ClaimsIdentity(
            [new Claim(HubClaims.Subject, owner.Id), new Claim(HubClaims.Role, role), new Claim(HubClaims.ApiKeyId, keyId)],
            Scheme.Name, HubClaims.Subject, HubClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The body stays empty: status code pages turn it into the UNAUTHORIZED problem.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }

    private AuthenticateResult Failed(string reason)
    {
        AuthLog.AuthenticationFailed(Logger, reason);
        return AuthenticateResult.Fail(reason);
    }
}
