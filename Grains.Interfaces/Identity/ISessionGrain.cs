
namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// One login session, keyed by its id (a UUID, the <c>sid</c> claim of its access tokens): the
/// refresh-token family, rotation and revocation. Every authenticated request asks it whether the
/// session is still active, so a logout takes effect at once.
/// </summary>
[Alias("OrleansHub.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>Starts the session with its first refresh token (audited as login). ConflictException if it exists.</summary>
    [Alias("StartAsync")]
    Task<SessionView> StartAsync(StartSession command);

    /// <summary>
    /// Exchanges the current refresh token for <see cref="RotateRefreshToken.NewTokenHash"/>. Presenting a
    /// token of this family that was already used revokes the whole session (outcome Reused).
    /// </summary>
    [Alias("RefreshAsync")]
    Task<RefreshResult> RefreshAsync(RotateRefreshToken command);

    /// <summary>Ends the session at once (idempotent; audited as logout the first time).</summary>
    [Alias("RevokeAsync")]
    Task RevokeAsync(RevokeSession command);

    /// <summary>The session, or null when it never existed.</summary>
    [Alias("GetAsync")]
    Task<SessionView?> GetAsync();
}

[GenerateSerializer, Immutable, Alias("OrleansHub.SessionView")]
public sealed record SessionView([property: Id(0)] string Id, [property: Id(1)] string UserId, [property: Id(2)] bool Active, [property: Id(3)] DateTimeOffset CreatedAt, [property: Id(4)] DateTimeOffset ExpiresAt);

/// <summary>
/// Starts a session. RefreshTokenHash: SHA-256 of the refresh token handed to the client (the token is never
/// stored); RefreshTokenExpiresAt: when that token stops working; ExpiresAt: the absolute end of the session,
/// whatever the rotations; Via: "password" (login) or "register".
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.StartSession")]
public sealed record StartSession(
    [property: Id(0)] string UserId, [property: Id(1)] string RefreshTokenHash, [property: Id(2)] DateTimeOffset RefreshTokenExpiresAt, [property: Id(3)] DateTimeOffset ExpiresAt, [property: Id(4)] string Via, [property: Id(5)] string? Ip);

[GenerateSerializer, Immutable, Alias("OrleansHub.RotateRefreshToken")]
public sealed record RotateRefreshToken([property: Id(0)] string PresentedTokenHash, [property: Id(1)] string NewTokenHash, [property: Id(2)] DateTimeOffset NewTokenExpiresAt, [property: Id(3)] string? Ip);

/// <summary>Ends a session; ActorId is who ended it (the user logging out, or an admin).</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.RevokeSession")]
public sealed record RevokeSession([property: Id(0)] string Reason, [property: Id(1)] string? ActorId, [property: Id(2)] string? Ip);

[GenerateSerializer, Immutable, Alias("OrleansHub.RefreshResult")]
public sealed record RefreshResult([property: Id(0)] RefreshOutcome Outcome, [property: Id(1)] string? UserId);

[GenerateSerializer, Alias("OrleansHub.RefreshOutcome")]
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
