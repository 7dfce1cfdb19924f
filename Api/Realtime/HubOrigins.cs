using Microsoft.Extensions.Options;
using OrleansHub.Api.Conventions.Security;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// Browsers do not apply CORS to WebSockets, so a page on any site could open the hub with a user's cookie-less
/// but query-borne token. Requests that carry an <c>Origin</c> (browsers always send one on WebSockets and
/// cross-origin fetches) must come from the same origin or one listed in <c>Cors:AllowedOrigins</c>; clients
/// without an Origin (servers, tools) are not browsers and pass.
/// </summary>
internal static class HubOrigins
{
    /// <summary>An endpoint convention: wraps the hub's negotiate and connect endpoints.</summary>
    public static void Require(EndpointBuilder endpoint)
    {
        var next = endpoint.RequestDelegate ?? throw new InvalidOperationException("The hub endpoint has no request delegate.");
        endpoint.RequestDelegate = context =>
        {
            if (IsAllowed(context))
            {
                return next(context);
            }
            var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubOrigins));
            RealtimeLog.OriginRefused(log, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden; // status code pages make it the FORBIDDEN problem
            return Task.CompletedTask;
        };
    }

    internal static bool IsAllowed(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }
        var request = context.Request;
        if (string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var allowed = context.RequestServices.GetRequiredService<IOptions<HubCorsOptions>>().Value.AllowedOrigins;
        return allowed.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }
}
