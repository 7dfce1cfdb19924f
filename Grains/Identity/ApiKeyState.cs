using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Grains.Identity;

/// <summary>An API key: who owns it, its role, the SHA-256 of its secret, and whether it was revoked.</summary>
public sealed record ApiKeyState
{
    public string Id { get; init; } = "";

    public string OwnerId { get; init; } = "";

    public string Name { get; init; } = "";

    public string Role { get; init; } = "";

    public string SecretHash { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    [JsonIgnore]
    public bool Exists => OwnerId.Length > 0;

    [JsonIgnore]
    public bool IsActive => Exists && RevokedAt is null;

    public static ApiKeyState Create(string id, CreateApiKey command, DateTimeOffset now) => new()
    {
        Id = id,
        OwnerId = command.OwnerId,
        Name = command.Name.Trim(),
        Role = command.Role,
        SecretHash = command.SecretHash,
        CreatedAt = now,
    };

    /// <summary>Whether <paramref name="callerId"/> may revoke it: the owner, while it is active.</summary>
    public bool CanBeRevokedBy(string callerId) => IsActive && OwnerId == callerId;

    public ApiKeyState Revoke(DateTimeOffset now) => this with { RevokedAt = now };

    public bool Accepts(string secretHash) =>
        IsActive && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secretHash), Encoding.UTF8.GetBytes(SecretHash));

    public ApiKeyView ToView() => new(Id, OwnerId, Name, Role, CreatedAt);
}
