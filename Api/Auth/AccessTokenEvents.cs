using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Auth;

/// <summary>
/// What JwtBearer does beyond checking the token (docs/identity.md "Access tokens"): hub requests may carry
/// the token in <c>access_token</c>, and a valid signature is not enough. Every request asks the session grain
/// (logout is effective at once) and the user grain (a role change is too) for the caller's current state;
/// both are local calls answered from the activations.
/// </summary>
internal sealed class AccessTokenEvents(ILogger<AccessTokenEvents> logger) : JwtBearerEvents
{
    public override Task MessageReceived(MessageReceivedContext context)
    {
        var request = context.Request;
        if (request.Headers.Authorization.Count == 0
            && request.Path.StartsWithSegments(HubAuthentication.HubPathPrefix, StringComparison.OrdinalIgnoreCase)
            && request.Query[HubAuthentication.AccessTokenQuery].ToString() is { Length: > 0 } queryToken)
        {
            context.Token = queryToken;
        }
        return Task.CompletedTask;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var token = context.Principal;
        if (token?.FindFirst(HubClaims.Subject)?.Value is not { } userId || !Guid.TryParse(userId, out _)
            || token.FindFirst(HubClaims.SessionId)?.Value is not { } sessionId || !Guid.TryParse(sessionId, out _))
        {
            Fail(context, "invalid access token");
            return;
        }
        // Resolved here, not injected: JwtBearer creates its events for every request, anonymous ones included,
        // and a host that serves only health checks has no grains.
        var grains = context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>();
        var session = grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        var user = grains.GetGrain<IUserGrain>(userId).GetAsync();
        await Task.WhenAll(session, user);
        if (await session is not { Active: true } activeSession || activeSession.UserId != userId)
        {
            Fail(context, "session ended");
            return;
        }
        if (await user is not { } current)
        {
            Fail(context, "unknown user");
            return;
        }
        // The role is the user's current one, not the one the token was issued with.
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(HubClaims.Subject, userId), new Claim(HubClaims.Role, current.Role), new Claim(HubClaims.SessionId, sessionId)],
            context.Scheme.Name, HubClaims.Subject, HubClaims.Role));
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        AuthLog.AuthenticationFailed(logger, "invalid access token");
        return Task.CompletedTask;
    }

    private void Fail(TokenValidatedContext context, string reason)
    {
        AuthLog.AuthenticationFailed(logger, reason);
        context.Fail(reason);
    }
}
