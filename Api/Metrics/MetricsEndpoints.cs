using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace OrleansHub.Api.Metrics;

/// <summary>
/// <c>GET /metrics</c> (docs/api.md "Operations"): this node's metrics in the Prometheus text format, from
/// <see cref="MetricsCollector"/>. Anonymous, like the health probes; docs/operations.md lists the series.
/// </summary>
internal static class MetricsEndpoints
{
    public static IServiceCollection AddHubMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<MetricsCollector>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsCollector>());
        return services;
    }

    public static RouteHandlerBuilder MapMetrics(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/metrics", Scrape)
            .WithTags("Operations")
            .WithName("Metrics")
            .WithSummary("Prometheus metrics of this node")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .AllowAnonymous();

    private static ContentHttpResult Scrape([FromServices] MetricsCollector collector) =>
        TypedResults.Text(PrometheusText.Write(collector.Collect()), PrometheusText.ContentType);
}
