namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>Events identity grains append to the <c>user:{id}</c> stream.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.IdentityEvent")]
public abstract record IdentityEvent
{
    public const string SessionRevokedType = "session.revoked";

    public const string ApiKeyRevokedType = "api_key.revoked";
}

/// <summary>
/// A session ended (logout, refresh-token reuse). The hub ends that session's live connections on it;
/// REST callers are refused already because every request checks the session grain.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.SessionRevoked")]
public sealed record SessionRevoked([property: Id(0)] string SessionId, [property: Id(1)] string Reason) : IdentityEvent;

/// <summary>
/// One of the user's API keys was revoked. The hub closes the live connections made with it at once; REST
/// callers are refused already because every request asks the key's grain.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.ApiKeyRevoked")]
public sealed record ApiKeyRevoked([property: Id(0)] string ApiKeyId, [property: Id(1)] string Name) : IdentityEvent;

/// <summary>Why a session ended (<see cref="SessionRevoked.Reason"/>, <c>audit_logs.details.reason</c>).</summary>
public static class RevocationReasons
{
    public const string Logout = "logout";
    public const string RefreshTokenReused = "refresh_token_reused";
}
