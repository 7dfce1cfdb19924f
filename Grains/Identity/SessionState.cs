using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Grains.Identity;

/// <summary>
/// A login session and its refresh-token family (pure rules; see <see cref="Refresh"/>). Only hashes of
/// refresh tokens are kept.
/// </summary>
public sealed record SessionState
{
    /// <summary>
    /// How many used refresh-token hashes are kept to recognise a replay. An older token presented again
    /// is merely invalid. At the default lifetimes (15-minute access tokens, 30-day sessions) a client
    /// that refreshes only when needed stays well within it.
    /// </summary>
    public const int RememberedUsedTokens = 1000;

    public string Id { get; init; } = "";

    public string UserId { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Absolute end: no rotation extends the session past it.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public string RefreshTokenHash { get; init; } = "";

    public DateTimeOffset RefreshTokenExpiresAt { get; init; }

    /// <summary>Hashes of the family's tokens that were exchanged already, oldest first.</summary>
    public ImmutableArray<string> UsedRefreshTokenHashes { get; init; } = [];

    public int Rotations { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedReason { get; init; }

    [JsonIgnore]
    public bool Exists => UserId.Length > 0;

    public bool IsActive(DateTimeOffset now) => Exists && RevokedAt is null && now < ExpiresAt;

    public static SessionState Start(string id, StartSession command, DateTimeOffset now) => new()
    {
        Id = id,
        UserId = command.UserId,
        CreatedAt = now,
        ExpiresAt = command.ExpiresAt,
        RefreshTokenHash = command.RefreshTokenHash,
        RefreshTokenExpiresAt = Earliest(command.RefreshTokenExpiresAt, command.ExpiresAt),
    };

    /// <summary>
    /// The refresh-token state machine. The current token is exchanged once for <paramref name="newHash"/>;
    /// a token of the family presented after it was exchanged means two parties hold the family (one of them
    /// stole it), and the whole session is revoked; anything else is invalid and changes nothing.
    /// </summary>
    public (SessionState Next, RefreshOutcome Outcome) Refresh(
        string presentedHash, string newHash, DateTimeOffset newTokenExpiresAt, DateTimeOffset now)
    {
        if (!Exists)
        {
            return (this, RefreshOutcome.Invalid);
        }
        if (RevokedAt is not null)
        {
            return (this, RefreshOutcome.Revoked);
        }
        if (HashEquals(presentedHash, RefreshTokenHash))
        {
            if (now >= RefreshTokenExpiresAt || now >= ExpiresAt)
            {
                return (this, RefreshOutcome.Expired);
            }
            var used = UsedRefreshTokenHashes.Add(RefreshTokenHash);
            if (used.Length > RememberedUsedTokens)
            {
                used = used.RemoveAt(0);
            }
            return (this with
            {
                RefreshTokenHash = newHash,
                RefreshTokenExpiresAt = Earliest(newTokenExpiresAt, ExpiresAt),
                UsedRefreshTokenHashes = used,
                Rotations = Rotations + 1,
            }, RefreshOutcome.Rotated);
        }
        var reused = false;
        foreach (var hash in UsedRefreshTokenHashes)
        {
            reused |= HashEquals(presentedHash, hash);
        }
        return reused
            ? (Revoke(now, RevocationReasons.RefreshTokenReused), RefreshOutcome.Reused)
            : (this, RefreshOutcome.Invalid);
    }

    /// <summary>Ends the session; a revoked session stays revoked with its first reason.</summary>
    public SessionState Revoke(DateTimeOffset now, string reason) =>
        RevokedAt is not null ? this : this with { RevokedAt = now, RevokedReason = reason };

    public SessionView ToView(DateTimeOffset now) => new(Id, UserId, IsActive(now), CreatedAt, ExpiresAt);

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a <= b ? a : b;

    private static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
