using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Api.Health;

/// <summary>
/// Liveness (the process answers) and readiness (started, not shutting down, PostgreSQL answers), for probes
/// and load balancers.
/// </summary>
internal static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Probes carry no credentials.
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", Live).WithName("Live");
        group.MapGet("/ready", ReadyAsync).WithName("Ready")
            .WithSummary("200 when started, not shutting down and PostgreSQL answers within 2 s (one check serves all probes for 1 s); else a 503 problem with code SERVICE_UNAVAILABLE");
        return group;
    }

    private static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    private static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> ReadyAsync(
        [FromServices] DatabaseReadiness database,
        [FromServices] IHostApplicationLifetime lifetime,
        [FromServices] SiloStatus? silo,
        CancellationToken cancellationToken)
    {
        // A node that is shutting down drains: load balancers must stop sending it work at once, while
        // requests already in flight finish. A silo also is not ready before its runtime takes calls.
        if (lifetime.ApplicationStopping.IsCancellationRequested || silo is { IsStopping: true })
        {
            return NotReadyProblem("The node is shutting down.");
        }
        if (silo is { IsStarted: false })
        {
            return NotReadyProblem("The silo is starting.");
        }
        return await database.IsReadyAsync(cancellationToken)
            ? TypedResults.Ok(new HealthResponse("ready"))
            : NotReadyProblem($"PostgreSQL did not answer within {DatabaseReadiness.Timeout.TotalSeconds:0} seconds.");
    }

    private static ProblemHttpResult NotReadyProblem(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: detail);
}
