using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;

namespace OrleansHub.Api.OrleansDashboard;

/// <summary>
/// How a browser gets in (docs/operations.md "Orleans Dashboard"): the sign-in page logs in through the API, then
/// <c>POST /admin/orleans/session</c> with the session's access token sets the dashboard cookie
/// (<see cref="OrleansDashboardAccess"/>); <c>DELETE</c> removes it.
/// </summary>
internal static partial class OrleansDashboardSessionEndpoints
{
    public static RouteGroupBuilder MapOrleansDashboardSession(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(OrleansDashboardAccess.Path).WithTags("Orleans Dashboard").RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapPost("/session", OpenAsync).RequireAuthorization(AuthPolicies.Admin).WithName("OpenOrleansDashboard")
            .WithSummary("Sets the HttpOnly cookie with which this admin's browser opens the Orleans Dashboard (bearer access token only)");
        group.MapDelete("/session", (Func<HttpContext, Task<NoContent>>)CloseAsync).AllowAnonymous().WithName("CloseOrleansDashboard")
            .WithSummary("Removes the Orleans Dashboard cookie");
        group.MapGet("/sign-in", () => TypedResults.Text(OrleansDashboardSignInPage.Html, "text/html; charset=utf-8"))
            .AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/sign-in.js", () => TypedResults.Text(OrleansDashboardSignInPage.Script, "text/javascript; charset=utf-8"))
            .AllowAnonymous().ExcludeFromDescription();
        return group;
    }

    private static async Task<Results<Ok<OrleansDashboardSession>, ProblemHttpResult>> OpenAsync(
        HttpContext http, ClaimsPrincipal caller, IOptions<OrleansDashboardOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        // A cookie must not mint its successor (it would outlive its lifetime), and an API key has no session to
        // bind the cookie to: scripts with a key call the data endpoints directly.
        if (caller.Identity?.AuthenticationType == OrleansDashboardAccess.CookieScheme || caller.SessionId() is not { } sessionId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                detail: "Only a signed-in session's access token opens the dashboard in a browser; API keys call its data endpoints with their header.");
        }
        var expiresAt = clock.GetUtcNow() + options.Value.SessionLifetime;
        var principal = OrleansDashboardCookieEvents.Principal(caller.UserId(), caller.Role(), sessionId, OrleansDashboardAccess.CookieScheme);
        await http.SignInAsync(OrleansDashboardAccess.CookieScheme, principal,
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = false, IssuedUtc = clock.GetUtcNow(), ExpiresUtc = expiresAt });
        LogOpened(loggers.CreateLogger(typeof(OrleansDashboardSessionEndpoints).FullName!), caller.UserId(), sessionId, expiresAt);
        return TypedResults.Ok(new OrleansDashboardSession(OrleansDashboardAccess.Path + "/", expiresAt));
    }

    private static async Task<NoContent> CloseAsync(HttpContext http)
    {
        await http.SignOutAsync(OrleansDashboardAccess.CookieScheme);
        return TypedResults.NoContent();
    }

    [LoggerMessage(1, LogLevel.Information, "Orleans dashboard cookie issued to user {UserId} (session {SessionId}) until {ExpiresAt}")]
    private static partial void LogOpened(ILogger logger, string userId, string sessionId, DateTimeOffset expiresAt);
}

/// <summary>The answer of <c>POST /admin/orleans/session</c>: where to go, and until when the cookie works.</summary>
internal sealed record OrleansDashboardSession(string Url, DateTimeOffset ExpiresAt);
