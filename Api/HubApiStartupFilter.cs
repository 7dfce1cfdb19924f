using OrleansHub.Api.Conventions;
using OrleansHub.Api.Conventions.Proxies;
using OrleansHub.Api.Problems;
using OrleansHub.Api.RequestIds;
using OrleansHub.Api.RequestLogging;

namespace OrleansHub.Api;

/// <summary>Puts the API's middleware in front of everything the host adds.</summary>
internal sealed class HubApiStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // Before anything reads the client address (request log, rate limits, audit log).
        app.UseTrustedProxies();

        // First of ours, so the header is on every response, errors included, and the id is in every log line.
        app.UseMiddleware<RequestIdMiddleware>();

        // Outside the exception handler, so it logs the status the client really got.
        app.UseRequestLog();

        // Exceptions become problems (HubExceptionHandler); empty error responses (404 for an
        // unknown route, 405, 401/403 from authorization, ...) become problems too.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Security headers, CORS (so error responses are readable cross-origin too), compression,
        // then the body size limit.
        app.UseHubOuterConventions();

        // Before routing, which would see the path with its dot segments already resolved (and control characters decoded).
        app.UseMiddleware<RequestTargetRejection>();
        next(app);
    };
}
