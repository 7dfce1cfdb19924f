using Microsoft.AspNetCore.Authorization;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Auth;

/// <summary>
/// Authorization policy names. Every endpoint needs an authenticated caller unless it says
/// <c>.AllowAnonymous()</c> (the fallback policy); these add role rules on top.
/// </summary>
public static class AuthPolicies
{
    /// <summary>Role admin: user administration, audit logs.</summary>
    public const string Admin = "Admin";

    /// <summary>Role admin or user: any mutating endpoint. A viewer is read-only (403).</summary>
    public const string Writer = "Writer";

    internal static IServiceCollection AddHubAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, AuthenticatedCallerHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new AuthenticatedCallerRequirement()).Build())
            .AddPolicy(Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Writer, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.User));
        return services;
    }
}

/// <summary>
/// The fallback: an authenticated caller. A request that matched no endpoint passes, so an unknown route
/// stays a 404 for everyone instead of a 401 (there is nothing to protect, nor to reveal).
/// </summary>
internal sealed class AuthenticatedCallerRequirement : IAuthorizationRequirement;

internal sealed class AuthenticatedCallerHandler : AuthorizationHandler<AuthenticatedCallerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AuthenticatedCallerRequirement requirement)
    {
        if (context.User.Identities.Any(identity => identity.IsAuthenticated)
            || (context.Resource is HttpContext http && http.GetEndpoint() is null))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
