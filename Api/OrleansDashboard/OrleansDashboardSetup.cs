using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;

namespace OrleansHub.Api.OrleansDashboard;

/// <summary>
/// Orleans' own dashboard (Microsoft.Orleans.Dashboard) for operators, at <see cref="OrleansDashboardAccess.Path"/>
/// for administrators only, when <c>Orleans:Dashboard:Enabled</c> is true. Off, nothing of it is registered: no
/// grain-call filter, no profiler, no dashboard grains or timers, and the path is a 404. Its cost when on is in
/// docs/performance.md ("Orleans Dashboard cost").
/// </summary>
public static class OrleansDashboardSetup
{
    /// <summary>
    /// Called by the silo inside <c>UseOrleans</c>: validates the settings at start and, when enabled, adds the
    /// dashboard to the silo and the cookie that lets an administrator's browser in.
    /// </summary>
    public static ISiloBuilder AddOrleansDashboardWhenEnabled(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<OrleansDashboardOptions>()
            .BindConfiguration(OrleansDashboardOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configuration.GetSection(OrleansDashboardOptions.Section).Get<OrleansDashboardOptions>() is not { Enabled: true })
        {
            return silo;
        }
        // The live log stream (/Trace) is off: our logs go through Serilog, which does not feed the dashboard's log
        // provider, so the stream would show nothing while holding a request open for an hour.
        silo.AddDashboard(dashboard => dashboard.HideTrace = true);
        silo.Services.AddOrleansDashboardAccess();
        return silo;
    }

    /// <summary>Maps the dashboard and its sign-in for administrators, if the host enabled it; else maps nothing.</summary>
    public static IEndpointRouteBuilder MapOrleansDashboardForAdmins(this IEndpointRouteBuilder routes)
    {
        if (routes.ServiceProvider.GetService<IOptions<OrleansDashboardOptions>>()?.Value is not { Enabled: true })
        {
            return routes;
        }
        routes.MapOrleansDashboard(OrleansDashboardAccess.Path)
            .RequireAuthorization(AuthPolicies.Admin)
            .RequireRateLimiting(RateLimitPolicies.PerCaller)
            .AddEndpointFilter(OrleansDashboardFilter.InvokeAsync)
            .ExcludeFromDescription();
        routes.MapOrleansDashboardSession();
        return routes;
    }
}
