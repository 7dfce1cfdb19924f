using OrleansHub.Api.RequestIds;

namespace OrleansHub.Api;

/// <summary>Puts the API's middleware in front of everything the host adds.</summary>
internal sealed class HubApiStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // First, so the header is on every response, errors included.
        app.UseMiddleware<RequestIdMiddleware>();

        // Unhandled exceptions become a 500 problem without details; empty error responses
        // (404 for an unknown route, 405, ...) become problems too.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        next(app);
    };
}
