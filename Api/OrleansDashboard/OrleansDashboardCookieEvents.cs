using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OrleansHub.Api.Auth;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.OrleansDashboard;

/// <summary>
/// The dashboard cookie's checks. A cookie is bound to the login session that obtained it: every request asks the
/// session grain (logout ends the cookie at once) and the user grain (the role is the current one, so a demoted
/// admin gets 403), as AccessTokenEvents does for bearer tokens. Challenges are status codes, not redirects to a
/// login page: status code pages turn them into the API's 401/403 problems.
/// </summary>
internal sealed partial class OrleansDashboardCookieEvents(ILogger<OrleansDashboardCookieEvents> logger) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var cookie = context.Principal;
        if (cookie?.FindFirst(HubClaims.Subject)?.Value is not { } userId
            || cookie.FindFirst(HubClaims.SessionId)?.Value is not { } sessionId)
        {
            await RejectAsync(context, "a cookie without its session");
            return;
        }
        var grains = context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>();
        var session = grains.GetGrain<ISessionGrain>(sessionId).GetAsync();
        var user = grains.GetGrain<IUserGrain>(userId).GetAsync();
        await Task.WhenAll(session, user);
        if (await session is not { Active: true } active || active.UserId != userId || await user is not { } current)
        {
            await RejectAsync(context, "session ended");
            return;
        }
        context.ReplacePrincipal(Principal(userId, current.Role, sessionId, context.Scheme.Name));
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    public override Task RedirectToLogout(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    /// <summary>The principal a dashboard cookie carries: the same claims as an access token's.</summary>
    internal static ClaimsPrincipal Principal(string userId, string role, string sessionId, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(HubClaims.Subject, userId), new Claim(HubClaims.Role, role), new Claim(HubClaims.SessionId, sessionId)],
            scheme, HubClaims.Subject, HubClaims.Role));

    private async Task RejectAsync(CookieValidatePrincipalContext context, string reason)
    {
        LogCookieRejected(logger, reason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }

    [LoggerMessage(1, LogLevel.Debug, "Orleans dashboard cookie refused: {Reason}")]
    private static partial void LogCookieRejected(ILogger logger, string reason);
}
