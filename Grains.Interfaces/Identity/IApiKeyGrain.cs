
namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// One API key, keyed by its id (a UUID). Only the SHA-256 of the secret is stored; the
/// <c>api_keys</c> index row (listing per owner, unique hash) and audit entries commit with its state.
/// </summary>
[Alias("OrleansHub.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key (audited as api_key_created). ConflictException when the id exists.</summary>
    [Alias("CreateAsync")]
    Task<ApiKeyView> CreateAsync(CreateApiKey command);

    /// <summary>
    /// Revokes the key for its owner (audited as api_key_revoked). False when the key does not exist,
    /// is already revoked or belongs to someone else: callers answer 404 to all three alike.
    /// </summary>
    [Alias("RevokeAsync")]
    Task<bool> RevokeAsync(RevokeApiKey command);

    /// <summary>The key when <paramref name="secretHash"/> matches (constant time) and it is not revoked; else null.</summary>
    [Alias("VerifyAsync")]
    Task<ApiKeyView?> VerifyAsync(string secretHash);
}

[GenerateSerializer, Immutable, Alias("OrleansHub.ApiKeyView")]
public sealed record ApiKeyView([property: Id(0)] string Id, [property: Id(1)] string OwnerId, [property: Id(2)] string Name, [property: Id(3)] string Role, [property: Id(4)] DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("OrleansHub.CreateApiKey")]
public sealed record CreateApiKey([property: Id(0)] string OwnerId, [property: Id(1)] string Name, [property: Id(2)] string Role, [property: Id(3)] string SecretHash, [property: Id(4)] string? Ip);

[GenerateSerializer, Immutable, Alias("OrleansHub.RevokeApiKey")]
public sealed record RevokeApiKey([property: Id(0)] string CallerId, [property: Id(1)] string? Ip);
