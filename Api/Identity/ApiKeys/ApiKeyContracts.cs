using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Identity.ApiKeys;

/// <summary>Body of POST /api/v1/api-keys; <c>role</c> defaults to the caller's and may not exceed it.</summary>
public sealed record CreateApiKeyRequest(string? Name, string? Role);

/// <summary>The 201 answer: the only time <c>key</c> is ever shown.</summary>
public sealed record CreatedApiKeyResponse(string Id, string Name, string Role, string Key, DateTimeOffset CreatedAt);

/// <summary>An API key in lists: never its secret.</summary>
public sealed record ApiKeyResponse(string Id, string Name, string Role, DateTimeOffset CreatedAt);

internal static class ApiKeyMapping
{
    public static ApiKeyResponse ToResponse(this ApiKeyView key) => new(key.Id, key.Name, key.Role, key.CreatedAt);
}
