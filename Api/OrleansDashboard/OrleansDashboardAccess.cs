using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Auth;

namespace OrleansHub.Api.OrleansDashboard;

/// <summary>
/// Who reaches the Orleans Dashboard: administrators only, by bearer token or API key in a header (scripts), or by
/// a browser cookie that an administrator's signed-in session obtains from <c>POST /admin/orleans/session</c>
/// (<see cref="OrleansDashboardSessionEndpoints"/>). A browser navigating to a page sends no header, so the cookie
/// is its credential: HttpOnly, Secure, SameSite=Strict, scoped to <see cref="Path"/>, short-lived and never
/// renewed, and checked against the session and the user's current role on every request.
/// </summary>
internal static class OrleansDashboardAccess
{
    /// <summary>Where the dashboard is mapped (its page, assets and data API).</summary>
    public const string Path = "/admin/orleans";

    public const string CookieScheme = "OrleansDashboard";

    public const string CookieName = "orleanshub_dashboard";

    public static IServiceCollection AddOrleansDashboardAccess(this IServiceCollection services)
    {
        services.AddSingleton<OrleansDashboardCookieEvents>();
        services.AddAuthentication().AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.Path = Path;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.IsEssential = true;
            cookie.SlidingExpiration = false;
            cookie.EventsType = typeof(OrleansDashboardCookieEvents);
        });
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<IOptions<OrleansDashboardOptions>>((cookie, dashboard) => cookie.ExpireTimeSpan = dashboard.Value.SessionLifetime);

        // The API's default scheme picks the credential a request carries (HubAuthentication.SelectScheme); under the
        // dashboard's path a request with the cookie and no header is the cookie's. Deciding it there, not per
        // endpoint, authenticates the caller before the rate limiter, so an admin's polling page counts against
        // their own per-caller limit instead of the anonymous limit of their address.
        services.PostConfigure<PolicySchemeOptions>(HubAuthentication.Scheme, scheme =>
        {
            var next = scheme.ForwardDefaultSelector;
            scheme.ForwardDefaultSelector = context => CarriesCookieOnly(context) ? CookieScheme : next?.Invoke(context);
        });
        return services;
    }

    private static bool CarriesCookieOnly(HttpContext context) =>
        context.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase)
        && context.Request.Headers.Authorization.Count == 0
        && !context.Request.Headers.ContainsKey(HubAuthentication.ApiKeyHeader)
        && context.Request.Cookies.ContainsKey(CookieName);
}
