using System.Data.Common;
using System.Text.Json;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Lists;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Identity;

/// <summary>
/// Reads of the identity tables (deploy/sql/domain/0100_identity.sql): the lists, and the email lookup of a
/// login. The rows are written by <see cref="IdentityIndex"/> and <see cref="AuditLog"/> with the grains' state.
/// </summary>
internal sealed class IdentityDirectory(IndexQueries index) : IIdentityDirectory
{
    // The allow-list of user sort fields: the key is what clients send, the value is SQL.
    private static readonly Dictionary<string, string> UserSortColumns = new(StringComparer.Ordinal)
    {
        ["created_at"] = "created_at",
        ["username"] = "username",
        ["email"] = "email",
    };

    private const string AuditWhere = "($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR action = $2) "
                                      + "AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at <= $4)";

    /// <summary>The id of the user whose normalized email is <paramref name="normalizedEmail"/>, or null.</summary>
    public async Task<string?> FindUserIdByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var ids = await index.ReadAsync(new IndexQuery("SELECT id FROM users WHERE email = $1", normalizedEmail),
            reader => reader.GetString(0), cancellationToken);
        return ids.Count > 0 ? ids[0] : null;
    }

    public Task<ListPage<UserView>> ListUsersAsync(string? sort, ListRange range, CancellationToken cancellationToken)
    {
        var orderBy = UserOrderBy(sort) ?? throw new ValidationException(
            "sort", $"Must be field:asc or field:desc with field one of: {string.Join(", ", UserSortColumns.Keys)}.");
        return PageAsync(
            "SELECT count(*) FROM users",
            $"SELECT id, username, email, role, created_at FROM users ORDER BY {orderBy} LIMIT $1 OFFSET $2",
            [], range,
            reader => new UserView(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)),
            cancellationToken);
    }

    public Task<ListPage<ApiKeyView>> ListApiKeysAsync(string ownerId, ListRange range, CancellationToken cancellationToken) =>
        PageAsync(
            "SELECT count(*) FROM api_keys WHERE owner_id = $1 AND revoked_at IS NULL",
            "SELECT id, owner_id, name, role, created_at FROM api_keys WHERE owner_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            [ownerId], range,
            reader => new ApiKeyView(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)),
            cancellationToken);

    public Task<ListPage<AuditEntry>> ListAuditLogAsync(AuditFilter filter, ListRange range, CancellationToken cancellationToken) =>
        PageAsync(
            $"SELECT count(*) FROM audit_logs WHERE {AuditWhere}",
            $"SELECT id, at, user_id, action, target, ip, details::text FROM audit_logs WHERE {AuditWhere} ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6",
            [filter.UserId, filter.Action, filter.From, filter.To], range,
            reader =>
            {
                using var details = JsonDocument.Parse(reader.GetString(6));
                return new AuditEntry(
                    reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), NullableString(reader, 2), reader.GetString(3),
                    NullableString(reader, 4), NullableString(reader, 5), details.RootElement.Clone());
            },
            cancellationToken);

    /// <summary>"field", "field:asc" or "field:desc" as SQL (ties by id, the same way); null when not one of those.</summary>
    private static string? UserOrderBy(string? sort)
    {
        if (string.IsNullOrEmpty(sort))
        {
            return "created_at ASC, id ASC";
        }
        var parts = sort.Split(':');
        if (parts.Length is < 1 or > 2 || !UserSortColumns.TryGetValue(parts[0], out var column))
        {
            return null;
        }
        var direction = parts.Length == 1 || parts[1] == "asc" ? "ASC" : parts[1] == "desc" ? "DESC" : null;
        return direction is null ? null : $"{column} {direction}, id {direction}";
    }

    // The count and the page in one round trip. Both statements take the filter as $1..$n; the page statement
    // adds limit and offset as $n+1 and $n+2.
    private async Task<ListPage<T>> PageAsync<T>(
        string countSql, string pageSql, object?[] filter, ListRange range, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var (total, items) = await index.ReadAsync(
            new IndexQuery(countSql, filter), reader => reader.GetInt64(0),
            new IndexQuery(pageSql, [.. filter, range.Limit, range.Offset]), read,
            cancellationToken);
        return new ListPage<T>([.. items], total[0]);
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
