using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Identity.ApiKeys;
using OrleansHub.Api.Identity.AuditLogs;
using OrleansHub.Api.Identity.Sessions;
using OrleansHub.Api.Identity.Users;

namespace OrleansHub.Api.Identity;

/// <summary>
/// Authentication (JWT bearer, API keys), authorization policies and the identity endpoints. See
/// docs/identity.md for tokens, keys, revocation, passwords and the audit log. Password hashing, the login
/// check and the identity lists are the identity grains' (Grains/Identity, registered by AddHubGrains).
/// </summary>
public static class IdentitySetup
{
    public static IServiceCollection AddHubIdentity(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<SessionIssuer>();

        services.AddSingleton<AccessTokenEvents>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, AccessTokenBearerOptions>();
        services.AddAuthentication(HubAuthentication.Scheme)
            .AddPolicyScheme(HubAuthentication.Scheme, "Bearer token or API key", scheme => scheme.ForwardDefaultSelector = HubAuthentication.SelectScheme)
            .AddJwtBearer(HubAuthentication.BearerScheme, _ => { })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(HubAuthentication.ApiKeyScheme, configureOptions: null);
        services.AddHubAuthorization();
        return services;
    }

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder routes)
    {
        routes.MapSessions();
        routes.MapUsers();
        routes.MapApiKeys();
        routes.MapAuditLogs();
        return routes;
    }
}
