using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Api.Health;

/// <summary>
/// Liveness (the process answers) and readiness (started, not shutting down, PostgreSQL answers), for probes
/// and load balancers.
/// </summary>
internal static partial class HealthEndpoints
{
    /// <summary>How long readiness waits for <c>SELECT 1</c>.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(2);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Probes carry no credentials.
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", Live).WithName("Live");
        group.MapGet("/ready", ReadyAsync).WithName("Ready")
            .WithSummary("200 when started, not shutting down and PostgreSQL answers within 2 s; else a 503 problem");
        return group;
    }

    private static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    private static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> ReadyAsync(
        [FromServices] NpgsqlDataSource database,
        [FromServices] ILoggerFactory loggers,
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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        try
        {
            // Npgsql does not give up on a server that accepted the connection but never answers
            // until its own connect timeout (15 s by default); WaitAsync bounds the probe anyway.
            await using var command = database.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token).WaitAsync(ReadyTimeout, cancellationToken);
            return TypedResults.Ok(new HealthResponse("ready"));
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException
                                   && !cancellationToken.IsCancellationRequested)
        {
            NotReady(loggers.CreateLogger(typeof(HealthEndpoints).FullName!), ex.Message);
            return NotReadyProblem($"PostgreSQL did not answer within {ReadyTimeout.TotalSeconds:0} seconds.");
        }
    }

    private static ProblemHttpResult NotReadyProblem(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: detail);

    [LoggerMessage(1, LogLevel.Warning, "Not ready: PostgreSQL check failed: {Reason}")]
    private static partial void NotReady(ILogger logger, string reason);
}
