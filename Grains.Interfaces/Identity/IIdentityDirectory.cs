using System.Text.Json;
using OrleansHub.Grains.Interfaces.Lists;

namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// The identity lists: users, API keys and the audit log, read from the rows (<c>users</c>, <c>api_keys</c>,
/// <c>audit_logs</c>) the user, API key and session grains write with their state. Implemented in
/// Grains/Identity, beside the SQL that writes those rows.
/// </summary>
public interface IIdentityDirectory
{
    /// <summary>
    /// Users in the order <paramref name="sort"/> names: <c>field</c>, <c>field:asc</c> or <c>field:desc</c>
    /// with field <c>created_at</c>, <c>username</c> or <c>email</c>, ties by id (null or empty:
    /// <c>created_at:asc</c>). ValidationException on <c>sort</c> for anything else.
    /// </summary>
    Task<ListPage<UserView>> ListUsersAsync(string? sort, ListRange range, CancellationToken cancellationToken);

    /// <summary>The keys of <paramref name="ownerId"/> that are not revoked, newest first.</summary>
    Task<ListPage<ApiKeyView>> ListApiKeysAsync(string ownerId, ListRange range, CancellationToken cancellationToken);

    /// <summary>The audit entries that match <paramref name="filter"/>, newest first.</summary>
    Task<ListPage<AuditEntry>> ListAuditLogAsync(AuditFilter filter, ListRange range, CancellationToken cancellationToken);
}

/// <summary>Filters of the audit list; a null member matches everything. <c>From</c> and <c>To</c> are inclusive.</summary>
public sealed record AuditFilter(string? UserId, string? Action, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>One audit entry as stored; <c>Details</c> is its JSON object (never a secret).</summary>
public sealed record AuditEntry(
    string Id, DateTimeOffset At, string? UserId, string Action, string? Target, string? Ip, JsonElement Details);
