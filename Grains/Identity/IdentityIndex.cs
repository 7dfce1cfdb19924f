using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Identity;

/// <summary>Statements on the identity index tables (deploy/sql/domain/0100_identity.sql).</summary>
internal static class IdentityIndex
{
    /// <summary>The unique constraint that is the email-uniqueness index.</summary>
    public const string EmailTaken = "users_email_key";

    /// <summary>The single row of first_admin: only one registration can ever insert it.</summary>
    public const string FirstAdminTaken = "first_admin_pkey";

    public static IndexUpdate InsertUser(UserState user) =>
        new("INSERT INTO users (id, username, email, role, created_at) VALUES ($1, $2, $3, $4, $5)",
            user.Id, user.Username, user.Email, user.Role, user.CreatedAt);

    public static IndexUpdate ClaimFirstAdmin(UserState user) =>
        new("INSERT INTO first_admin (user_id, claimed_at) VALUES ($1, $2)", user.Id, user.CreatedAt);

    public static IndexUpdate SetRole(UserState user) =>
        new("UPDATE users SET role = $2 WHERE id = $1", user.Id, user.Role);

    public static IndexUpdate InsertApiKey(ApiKeyState key) =>
        new("INSERT INTO api_keys (id, owner_id, name, role, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            key.Id, key.OwnerId, key.Name, key.Role, key.SecretHash, key.CreatedAt);

    public static IndexUpdate RevokeApiKey(ApiKeyState key) =>
        new("UPDATE api_keys SET revoked_at = $2 WHERE id = $1", key.Id, key.RevokedAt);
}
