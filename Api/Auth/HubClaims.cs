namespace OrleansHub.Api.Auth;

/// <summary>
/// Claim types of an authenticated caller. The rate limiter partitions by <see cref="ApiKeyId"/>, else
/// <see cref="Subject"/>; keep the names.
/// </summary>
public static class HubClaims
{
    /// <summary>The user id (for an API key: its owner's).</summary>
    public const string Subject = "sub";

    /// <summary>The session id; only on bearer-token callers.</summary>
    public const string SessionId = "sid";

    /// <summary>The caller's current role (for an API key: the lesser of the key's and its owner's).</summary>
    public const string Role = "role";

    /// <summary>The API key id; only on API-key callers.</summary>
    public const string ApiKeyId = "api_key_id";
}
