using OrleansHub.Grains.Interfaces.Lists;

namespace OrleansHub.Grains.Interfaces.Workspaces;

/// <summary>
/// The workspace list, read from the <c>workspaces</c> and <c>workspace_members</c> rows the workspace grains
/// write with their state (never the grains' JSON). Implemented in Grains/Workspaces.
/// </summary>
public interface IWorkspaceDirectory
{
    /// <summary>
    /// Ids of the workspaces <paramref name="userId"/> owns or is a member of, filtered, sorted and paged.
    /// ValidationException naming <c>sort</c>, else <c>status</c>, when the filter has a value not listed there.
    /// </summary>
    Task<ListPage<string>> ListAsync(string userId, WorkspaceListFilter filter, ListRange range, CancellationToken cancellationToken);
}

/// <summary>
/// <c>Search</c>: part of the name, case-insensitive, <c>%</c> and <c>_</c> literal (null or empty: any);
/// <c>Status</c>: <c>active</c> or <c>archived</c> (null: both); <c>Sort</c>: <c>name:asc</c>, <c>name:desc</c>,
/// <c>created_at:asc</c> or <c>created_at:desc</c> (null: the default, <c>created_at:desc</c>).
/// </summary>
public sealed record WorkspaceListFilter(string? Search, string? Status, string? Sort);
