using OrleansHub.Api.Identity.Users;

namespace OrleansHub.Api.Identity.Sessions;

/// <summary>Body of POST /api/v1/auth/register. A <c>role</c> member, if sent, is ignored.</summary>
public sealed record RegisterRequest(string? Username, string? Email, string? Password);

/// <summary>Body of POST /api/v1/auth/login.</summary>
public sealed record LoginRequest(string? Email, string? Password);

/// <summary>Body of POST /api/v1/auth/refresh.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>
/// docs/api.md <c>Session</c>: the user, a bearer access token valid for <c>expires_in</c> seconds and a
/// single-use refresh token.
/// </summary>
public sealed record SessionResponse(UserResponse User, string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");
