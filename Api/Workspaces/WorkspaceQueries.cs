using Npgsql;
using OrleansHub.Api.Pagination;

namespace OrleansHub.Api.Workspaces;

/// <summary>Reads the workspace list rows (never the grains' JSON) for the caller's list page.</summary>
internal static class WorkspaceQueries
{
    // The allow-list of sort keys: the value is SQL, the key is what clients send.
    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["name:asc"] = "lower(w.name) ASC, w.id",
        ["name:desc"] = "lower(w.name) DESC, w.id",
        ["created_at:asc"] = "w.created_at ASC, w.id",
        ["created_at:desc"] = "w.created_at DESC, w.id",
    };

    public static bool IsValidSort(string? sort) => sort is null || SortColumns.ContainsKey(sort);

    /// <summary>Ids of the workspaces the user owns or is a member of, filtered, sorted and paged, with the total.</summary>
    public static async Task<(string[] Ids, long Total)> ListAsync(
        NpgsqlDataSource database, string userId, string? search, string? status, string? sort, PageQuery page,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            WITH f AS (
                SELECT w.id, w.name, w.created_at FROM workspaces w
                JOIN workspace_members m ON m.workspace_id = w.id AND m.user_id = $1
                WHERE ($2::text IS NULL OR w.status = $2)
                  AND ($3::text IS NULL OR w.name ILIKE '%' || $3 || '%' ESCAPE '\'))
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT w.id FROM f w ORDER BY {SortColumns[sort ?? "created_at:desc"]} LIMIT $4 OFFSET $5)
            """);
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)EscapeLike(search) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = page.Limit });
        command.Parameters.Add(new() { Value = page.Offset });
        return await IndexPage.ReadAsync(command, cancellationToken);
    }

    private static string? EscapeLike(string? search) => string.IsNullOrEmpty(search)
        ? null
        : search.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
