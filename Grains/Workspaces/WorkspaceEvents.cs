using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Workspaces;

/// <summary>What a workspace change emits on <c>workspace:{id}</c>, and the index rows it writes.</summary>
internal static class WorkspaceEvents
{
    public static StreamId Stream(string workspaceId) => new("workspace", workspaceId);

    public static StreamEvent Updated(WorkspaceState state) => Updated(state.ToView());

    public static StreamEvent Updated(WorkspaceView view) => new(Stream(view.Id), WorkspaceEventTypes.Updated, view);

    public static StreamEvent Member(WorkspaceState state, string userId, string? role) =>
        new(Stream(state.Id), WorkspaceEventTypes.Member, new { user_id = userId, role });

    public static StreamEvent Deleted(WorkspaceState state) => new(Stream(state.Id), WorkspaceEventTypes.Deleted, new { id = state.Id });

    /// <summary>The list rows: the workspace and every member (the owner included, as "owner").</summary>
    public static IndexUpdate[] Rows(WorkspaceState state)
    {
        if (state.Deleted)
        {
            return [new IndexUpdate("DELETE FROM workspaces WHERE id = $1", state.Id)];
        }
        var rows = new List<IndexUpdate>
        {
            new("""
                INSERT INTO workspaces (id, name, owner_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status, updated_at = excluded.updated_at
                """, state.Id, state.Name, state.OwnerId, state.Status, state.CreatedAt, state.UpdatedAt),
            new("DELETE FROM workspace_members WHERE workspace_id = $1 AND NOT (user_id = ANY($2))",
                state.Id, state.Members.Keys.Append(state.OwnerId).ToArray()),
        };
        foreach (var (userId, role) in state.Members.Append(KeyValuePair.Create(state.OwnerId, WorkspaceRoles.Owner)))
        {
            rows.Add(new("""
                INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
                ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role
                """, state.Id, userId, role));
        }
        return [.. rows];
    }
}
