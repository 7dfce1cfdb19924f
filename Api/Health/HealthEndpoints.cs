using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace OrleansHub.Api.Health;

/// <summary>Liveness (the process answers) and readiness (PostgreSQL answers), for probes and load balancers.</summary>
internal static partial class HealthEndpoints
{
    /// <summary>How long readiness waits for <c>SELECT 1</c>.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(2);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Probes carry no credentials.
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", Live).WithName("Live");
        group.MapGet("/ready", ReadyAsync).WithName("Ready");
        return group;
    }

    private static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    private static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> ReadyAsync(
        [FromServices] NpgsqlDataSource database,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
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
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Not ready",
                detail: $"PostgreSQL did not answer within {ReadyTimeout.TotalSeconds:0} seconds.");
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Not ready: PostgreSQL check failed: {Reason}")]
    private static partial void NotReady(ILogger logger, string reason);
}
