using Orleans.Runtime;

namespace OrleansHub.Api.OrleansDashboard;

/// <summary>
/// Runs around every endpoint of the package's dashboard: keeps its grain state viewer closed, and answers a path
/// that names no silo with the API's 400 problem (the package would fail to activate its silo proxy: a 500).
/// </summary>
internal static class OrleansDashboardFilter
{
    /// <summary>
    /// <c>GET /GrainState</c> activates any grain by id and calls its parameterless methods by reflection, outside
    /// the grains' own access rules, and shows whatever they return (the identity grains' hashes included).
    /// </summary>
    private const string GrainStateRoute = OrleansDashboardAccess.Path + "/GrainState";

    /// <summary>Routes whose last segment is a silo address, and the name of that route value.</summary>
    private static readonly (string Prefix, string Parameter)[] SiloRoutes =
    [
        (OrleansDashboardAccess.Path + "/HistoricalStats/", "path"),
        (OrleansDashboardAccess.Path + "/SiloProperties/", "address"),
        (OrleansDashboardAccess.Path + "/SiloStats/", "address"),
        (OrleansDashboardAccess.Path + "/SiloCounters/", "address"),
    ];

    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route })
        {
            if (route.Equals(GrainStateRoute, StringComparison.OrdinalIgnoreCase))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
                    detail: "The dashboard's grain state viewer is turned off: it would call any grain's methods outside the API's access rules.");
            }
            foreach (var (prefix, parameter) in SiloRoutes)
            {
                if (route.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !IsSiloAddress(context.HttpContext.GetRouteValue(parameter) as string))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                        detail: "The path does not end in a silo address (as the dashboard lists them, e.g. 127.0.0.1:11111@123456789).");
                }
            }
        }
        return await next(context);
    }

    private static bool IsSiloAddress(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        try
        {
            SiloAddress.FromParsableString(value);
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            return false;
        }
    }
}
