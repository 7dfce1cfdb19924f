using OrleansHub.Runtime;

namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// One API key, keyed by its id (a UUID). Only the SHA-256 of the secret is stored; the
/// <c>api_keys</c> index row (listing per owner, unique hash) and audit entries commit with its state.
/// </summary>
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key (audited as api_key_created). ConflictException when the id exists.</summary>
    Task<ApiKeyView> CreateAsync(CreateApiKey command);

    /// <summary>
    /// Revokes the key for its owner (audited as api_key_revoked). False when the key does not exist,
    /// is already revoked or belongs to someone else: callers answer 404 to all three alike.
    /// </summary>
    Task<bool> RevokeAsync(RevokeApiKey command);

    /// <summary>The key when <paramref name="secretHash"/> matches (constant time) and it is not revoked; else null.</summary>
    Task<ApiKeyView?> VerifyAsync(string secretHash);
}

public sealed record ApiKeyView(string Id, string OwnerId, string Name, string Role, DateTimeOffset CreatedAt);

public sealed record CreateApiKey(string OwnerId, string Name, string Role, string SecretHash, string? Ip);

public sealed record RevokeApiKey(string CallerId, string? Ip);
