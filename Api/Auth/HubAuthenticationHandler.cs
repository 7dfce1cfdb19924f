using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Auth;

/// <summary>The one authentication scheme of the API: bearer access tokens and API keys.</summary>
public static class HubAuthentication
{
    public const string Scheme = "Hub";

    public const string ApiKeyHeader = "X-API-Key";

    /// <summary>Browsers cannot set headers on WebSockets/SSE, so hub requests may carry the token here.</summary>
    public const string AccessTokenQuery = "access_token";

    /// <summary>Paths where <see cref="AccessTokenQuery"/> is accepted (the SignalR hubs), and nowhere else.</summary>
    public const string HubPathPrefix = "/hubs";
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;jwt&gt;</c> or <c>X-API-Key</c>. A valid signature is not
/// enough: every request asks the session grain (logout is effective at once) and the user grain (a role
/// change is too) for the caller's current state. Both are local calls answered from the activations.
/// </summary>
internal sealed class HubAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggers,
    UrlEncoder encoder,
    AccessTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggers, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var apiKey = Request.Headers[HubAuthentication.ApiKeyHeader];
        var bearer = BearerToken();
        if (apiKey.Count == 0 && bearer is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (apiKey.Count > 0 && bearer is not null)
        {
            return Failed("both a bearer token and an API key");
        }
        var grains = Context.RequestServices.GetRequiredService<IGrainFactory>();
        return bearer is not null ? await BearerAsync(bearer, grains) : await ApiKeyAsync(apiKey.ToString(), grains);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The body stays empty: status code pages turn it into the UNAUTHORIZED problem.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = BearerToken() is null && !Request.Headers.ContainsKey(HubAuthentication.ApiKeyHeader)
            ? "Bearer"
            : "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }

    private async Task<AuthenticateResult> BearerAsync(string token, IGrainFactory grains)
    {
        if (await tokens.ValidateAsync(token) is not { } caller)
        {
            return Failed("invalid access token");
        }
        var (userId, sessionId) = caller;
        var session = grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        var user = grains.GetGrain<IUserGrain>(userId).GetAsync();
        await Task.WhenAll(session, user);
        if (await session is not { Active: true } activeSession || activeSession.UserId != userId)
        {
            return Failed("session ended");
        }
        if (await user is not { } current)
        {
            return Failed("unknown user");
        }
        return Success(new Claim(HubClaims.Subject, userId), new Claim(HubClaims.Role, current.Role), new Claim(HubClaims.SessionId, sessionId));
    }

    private async Task<AuthenticateResult> ApiKeyAsync(string key, IGrainFactory grains)
    {
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
        return Success(new Claim(HubClaims.Subject, owner.Id), new Claim(HubClaims.Role, role), new Claim(HubClaims.ApiKeyId, keyId));
    }

    private string? BearerToken()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            return token.Length > 0 ? token : null;
        }
        if (header.Length == 0 && Request.Path.StartsWithSegments(HubAuthentication.HubPathPrefix, StringComparison.OrdinalIgnoreCase)
            && Request.Query[HubAuthentication.AccessTokenQuery].ToString() is { Length: > 0 } queryToken)
        {
            return queryToken;
        }
        return null;
    }

    private AuthenticateResult Success(params Claim[] claims)
    {
        var identity = new ClaimsIdentity(claims, Scheme.Name, HubClaims.Subject, HubClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private AuthenticateResult Failed(string reason)
    {
        AuthLog.AuthenticationFailed(Logger, reason);
        return AuthenticateResult.Fail(reason);
    }
}
