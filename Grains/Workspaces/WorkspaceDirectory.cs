using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Lists;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Workspaces;

/// <summary>
/// Reads the workspace list rows (<c>workspaces</c>, <c>workspace_members</c>, written by
/// <see cref="WorkspaceEvents.Rows"/>), never the grains' JSON.
/// </summary>
internal sealed class WorkspaceDirectory(IndexQueries index) : IWorkspaceDirectory
{
    // The allow-list of sort keys: the key is what clients send, the value is SQL.
    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["name:asc"] = "lower(w.name) ASC, w.id",
        ["name:desc"] = "lower(w.name) DESC, w.id",
        ["created_at:asc"] = "w.created_at ASC, w.id",
        ["created_at:desc"] = "w.created_at DESC, w.id",
    };

    public async Task<ListPage<string>> ListAsync(
        string userId, WorkspaceListFilter filter, ListRange range, CancellationToken cancellationToken)
    {
        if (filter.Sort is not null && !SortColumns.ContainsKey(filter.Sort))
        {
            throw new ValidationException("sort", "One of name:asc, name:desc, created_at:asc, created_at:desc.");
        }
        if (filter.Status is not null and not (WorkspaceStatuses.Active or WorkspaceStatuses.Archived))
        {
            throw new ValidationException("status", "One of active, archived.");
        }
        var page = await index.ReadPageAsync(new IndexQuery($"""
            WITH f AS (
                SELECT w.id, w.name, w.created_at FROM workspaces w
                JOIN workspace_members m ON m.workspace_id = w.id AND m.user_id = $1
                WHERE ($2::text IS NULL OR w.status = $2)
                  AND ($3::text IS NULL OR w.name ILIKE '%' || $3 || '%' ESCAPE '\'))
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT w.id FROM f w ORDER BY {SortColumns[filter.Sort ?? "created_at:desc"]} LIMIT $4 OFFSET $5)
            """, userId, filter.Status, EscapeLike(filter.Search), range.Limit, range.Offset), cancellationToken);
        return new ListPage<string>(page.Ids, page.Total);
    }

    private static string? EscapeLike(string? search) => string.IsNullOrEmpty(search)
        ? null
        : search.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
