using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Identity.ApiKeys;
using OrleansHub.Api.Identity.AuditLogs;
using OrleansHub.Api.Identity.Sessions;
using OrleansHub.Api.Identity.Users;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Identity;

/// <summary>
/// Authentication (JWT bearer, API keys), authorization policies and the identity endpoints. See
/// docs/identity.md for tokens, keys, revocation, passwords and the audit log.
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

        // Bound here for the user grains too: in a silo they share this container.
        services.AddOptions<PasswordHashingOptions>()
            .BindConfiguration(PasswordHashingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PasswordHashingOptions>, PasswordHashingOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<LoginTiming>();
        services.AddSingleton<IdentityQueries>();

        services.AddAuthentication(HubAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, HubAuthenticationHandler>(HubAuthentication.Scheme, configureOptions: null);
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

/// <summary>210,000 PBKDF2 iterations at least, except in the Testing environment (tests hash a lot).</summary>
internal sealed class PasswordHashingOptionsValidator(IHostEnvironment environment) : IValidateOptions<PasswordHashingOptions>
{
    public const string TestingEnvironment = "Testing";

    public ValidateOptionsResult Validate(string? name, PasswordHashingOptions options) =>
        options.Iterations < PasswordHashingOptions.MinimumIterations && !environment.IsEnvironment(TestingEnvironment)
            ? ValidateOptionsResult.Fail(
                $"Auth:Passwords:Iterations must be at least {PasswordHashingOptions.MinimumIterations} (lower is allowed only in the {TestingEnvironment} environment).")
            : ValidateOptionsResult.Success;
}
