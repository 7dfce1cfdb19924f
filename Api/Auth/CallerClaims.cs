using System.Security.Claims;

namespace OrleansHub.Api.Auth;

/// <summary>Reads the <see cref="HubClaims"/> of the authenticated caller.</summary>
public static class CallerClaims
{
    /// <summary>The caller's user id (an API key's owner for API-key callers).</summary>
    public static string UserId(this ClaimsPrincipal caller) =>
        caller.FindFirstValue(HubClaims.Subject) ?? throw new InvalidOperationException("The caller is not authenticated.");

    public static string Role(this ClaimsPrincipal caller) => caller.FindFirstValue(HubClaims.Role) ?? "";

    /// <summary>The session of a bearer-token caller; null for API-key callers.</summary>
    public static string? SessionId(this ClaimsPrincipal caller) => caller.FindFirstValue(HubClaims.SessionId);

    /// <summary>The key of an API-key caller; null for bearer-token callers.</summary>
    public static string? ApiKeyId(this ClaimsPrincipal caller) => caller.FindFirstValue(HubClaims.ApiKeyId);
}
