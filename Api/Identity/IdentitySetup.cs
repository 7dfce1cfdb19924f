namespace OrleansHub.Api.Identity;

/// <summary>Authentication (JWT bearer, API keys), authorization policies and the identity endpoints.</summary>
public static class IdentitySetup
{
    public static IServiceCollection AddHubIdentity(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder routes) => routes;
}
