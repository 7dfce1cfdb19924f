using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace OrleansHub.Api.Metrics;

/// <summary>
/// <c>GET /metrics</c> (docs/api.md "Operations"): this node's metrics, served by prometheus-net.AspNetCore
/// from the host's own <see cref="CollectorRegistry"/> (never the static default one, which would mix two
/// hosts of one process and start prometheus-net's default collectors), which <see cref="MetricsCollector"/>
/// fills. Anonymous, like the health probes; docs/operations.md lists the series.
/// </summary>
internal static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddHubMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.AddSingleton<MetricsCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsCollector>());
        services.AddMetricsOpenApi();
        return services;
    }

    /// <summary>
    /// prometheus-net's endpoint answers any method; ours stays GET only, as the route table and the
    /// OpenAPI document say. Text format 0.0.4 by default, OpenMetrics when the scraper asks for it.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        var registry = routes.ServiceProvider.GetRequiredService<CollectorRegistry>();
        return routes.MapMetrics(settings => settings.Registry = registry, Path)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .WithName("Metrics")
            .WithDisplayName("GET " + Path)
            .AllowAnonymous();
    }
}
