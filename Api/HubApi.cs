// The HTTP face of OrleansHub: REST endpoints in feature folders, problem details, request ids.
// It calls grains and reads index tables; it holds no domain state and never touches the
// runtime's internals. Hosts (the silo, or a standalone API node) call AddHubApi and MapHubApi.
using System.Text.Json;
using OrleansHub.Api.Health;
using OrleansHub.Api.Problems;
using OrleansHub.Api.RequestIds;

namespace OrleansHub.Api;

public static class HubApi
{
    /// <summary>
    /// Registers the API's services: snake_case JSON, problem details with <c>code</c> and
    /// <c>request_id</c>, and the outermost middleware (request id, exception handler, status
    /// code pages), added through a startup filter so that every response carries them.
    /// </summary>
    public static IServiceCollection AddHubApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemCodes.AddCodeAndRequestId);
        services.AddTransient<IStartupFilter, HubApiStartupFilter>();
        return services;
    }

    /// <summary>Maps every API endpoint.</summary>
    public static IEndpointRouteBuilder MapHubApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHealth();
        return routes;
    }
}
