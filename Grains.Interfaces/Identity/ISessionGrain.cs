using OrleansHub.Runtime;

namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// One login session, keyed by its id (a UUID, the <c>sid</c> claim of its access tokens): the
/// refresh-token family, rotation and revocation. Every authenticated request asks it whether the
/// session is still active, so a logout takes effect at once.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session with its first refresh token (audited as login). ConflictException if it exists.</summary>
    Task<SessionView> StartAsync(StartSession command);

    /// <summary>
    /// Exchanges the current refresh token for <see cref="RotateRefreshToken.NewTokenHash"/>. Presenting a
    /// token of this family that was already used revokes the whole session (outcome Reused).
    /// </summary>
    Task<RefreshResult> RefreshAsync(RotateRefreshToken command);

    /// <summary>Ends the session at once (idempotent; audited as logout the first time).</summary>
    Task RevokeAsync(RevokeSession command);

    /// <summary>The session, or null when it never existed.</summary>
    Task<SessionView?> GetAsync();
}

public sealed record SessionView(string Id, string UserId, bool Active, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Starts a session. RefreshTokenHash: SHA-256 of the refresh token handed to the client (the token is never
/// stored); RefreshTokenExpiresAt: when that token stops working; ExpiresAt: the absolute end of the session,
/// whatever the rotations; Via: "password" (login) or "register".
/// </summary>
public sealed record StartSession(
    string UserId, string RefreshTokenHash, DateTimeOffset RefreshTokenExpiresAt, DateTimeOffset ExpiresAt, string Via, string? Ip);

public sealed record RotateRefreshToken(string PresentedTokenHash, string NewTokenHash, DateTimeOffset NewTokenExpiresAt, string? Ip);

/// <summary>Ends a session; ActorId is who ended it (the user logging out, or an admin).</summary>
public sealed record RevokeSession(string Reason, string? ActorId, string? Ip);

public sealed record RefreshResult(RefreshOutcome Outcome, string? UserId);

public enum RefreshOutcome
{
    /// <summary>The presented token was current: the new one replaces it.</summary>
    Rotated,

    /// <summary>The presented token was already used: the session is now revoked.</summary>
    Reused,

    /// <summary>Not a token of this session (or no such session).</summary>
    Invalid,

    /// <summary>The current token, but it or the session has expired.</summary>
    Expired,

    /// <summary>The session was revoked before.</summary>
    Revoked,
}
