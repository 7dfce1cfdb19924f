// The HTTP face of OrleansHub: REST endpoints in feature folders, problem details, request ids.
// It calls grains, and for lists and the login check the services the grains' features implement
// (Grains.Interfaces: I...Directory, ILoginVerifier); it runs no SQL of its own (the readiness
// probe's SELECT 1 aside), holds no domain state and never touches the runtime's internals.
// Hosts (the silo, or a standalone API node) call AddHubApi and MapHubApi.
using System.Text.Json;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Dashboard;
using OrleansHub.Api.Health;
using OrleansHub.Api.Identity;
using OrleansHub.Api.Orders;
using OrleansHub.Api.OrleansDashboard;
using OrleansHub.Api.Metrics;
using OrleansHub.Api.Realtime;
using OrleansHub.Api.Tasks;
using OrleansHub.Api.Workspaces;
using OrleansHub.Api.Problems;
using OrleansHub.Api.RequestIds;

namespace OrleansHub.Api;

public static class HubApi
{
    /// <summary>
    /// Registers the API's services: snake_case JSON, problem details with <c>code</c> and
    /// <c>request_id</c>, the conventions (rate limits, CORS, compression, OpenAPI, ...), and the
    /// outermost middleware (request id, request log, exception handler, status code pages, security
    /// headers, CORS, compression, body limit), added through a startup filter so that every
    /// response carries them.
    /// </summary>
    public static IServiceCollection AddHubApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemCodes.AddCodeAndRequestId);
        services.AddTransient<IStartupFilter, HubApiStartupFilter>();
        services.AddSingleton<DatabaseReadiness>();
        services.AddAuthentication();
        services.AddAuthorization();
        services.AddHubConventions();
        services.AddHubIdentity();
        services.AddHubOrders();
        services.AddHubMetrics();
        services.AddHubRealtime();
        return services;
    }

    /// <summary>
    /// The request pipeline after the startup filter's outer middleware, in this order: routing,
    /// authentication, then the conventions that need the caller (rate limits), then authorization.
    /// </summary>
    public static WebApplication UseHubApi(this WebApplication app)
    {
        app.UseRouting();
        app.UseAnonymousRoutingRejections();
        app.UseAuthentication();
        app.UseHubConventions();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Maps every API endpoint.</summary>
    public static IEndpointRouteBuilder MapHubApi(this IEndpointRouteBuilder endpoints)
    {
        // One group around everything, for the filters every endpoint gets: a null inside a request body's
        // arrays or maps is a 400 naming it, never a 500 (RequestBodyNulls).
        var routes = endpoints.MapGroup("");
        routes.AddEndpointFilterFactory(RequestBodyNulls.Create);
        routes.MapHealth();
        routes.MapMetrics();
        routes.MapDashboard();
        routes.MapOrleansDashboardForAdmins();
        routes.MapHubConventions();
        routes.MapIdentity();
        routes.MapWorkspaces();
        routes.MapTasks();
        routes.MapStoresAndOrders();
        routes.MapRealtime();
        return endpoints;
    }
}
