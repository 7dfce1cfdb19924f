using System.Text.Json;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Realtime.Policies;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// The status hub (docs/api.md "Real time", docs/realtime.md): SignalR with snake_case JSON, the connection registry,
/// the access re-check and the stream access policies of the kinds this folder owns (workspace, task, user).
/// Other features register the policies of their own kinds.
/// </summary>
public static class RealtimeSetup
{
    public const string HubPath = "/hubs/status";

    public static IServiceCollection AddHubRealtime(this IServiceCollection services)
    {
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // SignalR's defaults stay: 32 KB largest incoming message, 15 s keep-alive, 30 s client timeout. Detailed
        // errors stay off: only HubException messages reach clients.
        services.AddSignalR()
            .AddJsonProtocol(options => options.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<StatusConnections>();
        services.AddSingleton(sp => new HubShutdown(sp.GetRequiredService<StatusConnections>()));
        services.AddHostedService<AccessRecheckService>();
        services.AddSingleton<IStreamAccessPolicy, WorkspaceStreamAccess>();
        services.AddSingleton<IStreamAccessPolicy, TaskStreamAccess>();
        services.AddSingleton<IStreamAccessPolicy, UserStreamAccess>();
        return services;
    }

    /// <summary>Maps the hub: authenticated callers only (401 at negotiate), allowed origins only, per-caller rate limit.</summary>
    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<StatusHub>(HubPath)
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.PerCaller)
            .Add(HubOrigins.Require);
        return routes;
    }
}
