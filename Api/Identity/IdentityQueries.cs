using System.Text.Json;
using Npgsql;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Identity;

/// <summary>
/// Reads of the identity index tables (lists and the email lookup) and the one write that has no grain
/// state to ride along with: the audit entry of a failed login.
/// </summary>
internal sealed class IdentityQueries(NpgsqlDataSource database)
{
    public async Task<string?> FindUserIdByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT id FROM users WHERE email = $1");
        command.Parameters.Add(new() { Value = normalizedEmail });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>A page of users; <paramref name="orderBy"/> comes from the endpoint's allow-list, never from client text.</summary>
    public Task<(List<UserView> Items, long Total)> ListUsersAsync(PageQuery page, string orderBy, CancellationToken cancellationToken) =>
        PageAsync(
            "SELECT count(*) FROM users",
            $"SELECT id, username, email, role, created_at FROM users ORDER BY {orderBy} LIMIT $1 OFFSET $2",
            [], page,
            reader => new UserView(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)),
            cancellationToken);

    public Task<(List<ApiKeyView> Items, long Total)> ListApiKeysAsync(string ownerId, PageQuery page, CancellationToken cancellationToken) =>
        PageAsync(
            "SELECT count(*) FROM api_keys WHERE owner_id = $1 AND revoked_at IS NULL",
            "SELECT id, owner_id, name, role, created_at FROM api_keys WHERE owner_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            [ownerId], page,
            reader => new ApiKeyView(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)),
            cancellationToken);

    public Task<(List<AuditEntry> Items, long Total)> ListAuditLogsAsync(AuditFilter filter, PageQuery page, CancellationToken cancellationToken)
    {
        const string Where = "($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR action = $2) "
                             + "AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at <= $4)";
        return PageAsync(
            $"SELECT count(*) FROM audit_logs WHERE {Where}",
            $"SELECT id, at, user_id, action, target, ip, details::text FROM audit_logs WHERE {Where} ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6",
            [filter.UserId, filter.Action, filter.From, filter.To], page,
            reader =>
            {
                using var details = JsonDocument.Parse(reader.GetString(6));
                return new AuditEntry(
                    reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), NullableString(reader, 2), reader.GetString(3),
                    NullableString(reader, 4), NullableString(reader, 5), details.RootElement.Clone());
            },
            cancellationToken);
    }

    /// <summary>Writes one audit row on its own (for events that change no grain state).</summary>
    public async Task RecordAsync(IndexUpdate entry, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(entry.Sql);
        foreach (var parameter in entry.Parameters)
        {
            command.Parameters.Add(new() { Value = parameter ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Both statements take the filter parameters as $1..$n; the page statement adds limit and offset as
    // $n+1 and $n+2.
    private async Task<(List<T> Items, long Total)> PageAsync<T>(
        string countSql, string pageSql, object?[] filter, PageQuery page, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        var count = new NpgsqlBatchCommand(countSql);
        var rows = new NpgsqlBatchCommand(pageSql);
        foreach (var value in filter)
        {
            count.Parameters.Add(new() { Value = value ?? DBNull.Value });
            rows.Parameters.Add(new() { Value = value ?? DBNull.Value });
        }
        rows.Parameters.Add(new() { Value = page.Limit });
        rows.Parameters.Add(new() { Value = page.Offset });
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(rows);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var items = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }
        return (items, total);
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

internal sealed record AuditFilter(string? UserId, string? Action, DateTimeOffset? From, DateTimeOffset? To);

internal sealed record AuditEntry(
    string Id, DateTimeOffset At, string? UserId, string Action, string? Target, string? Ip, JsonElement Details);
