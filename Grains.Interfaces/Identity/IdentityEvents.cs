namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>Events identity grains append to the <c>user:{id}</c> stream.</summary>
public abstract record IdentityEvent
{
    public const string SessionRevokedType = "session.revoked";
}

/// <summary>
/// A session ended (logout, refresh-token reuse). The hub ends that session's live connections on it;
/// REST callers are refused already because every request checks the session grain.
/// </summary>
public sealed record SessionRevoked(string SessionId, string Reason) : IdentityEvent;

/// <summary>Why a session ended (<see cref="SessionRevoked.Reason"/>, <c>audit_logs.details.reason</c>).</summary>
public static class RevocationReasons
{
    public const string Logout = "logout";
    public const string RefreshTokenReused = "refresh_token_reused";
}
