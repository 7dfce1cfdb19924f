using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Workspaces;

/// <summary>A workspace's task side as its task rows have it: the queued and running tasks, oldest first, and the counts.</summary>
public sealed record WorkspaceTaskRows(IReadOnlyList<(QueuedTask Task, string Status)> Active, int Total, int Succeeded, int Failed)
{
    /// <summary>
    /// Reads the rows of <c>tasks</c> (written with each task's state, in the same transaction) for the
    /// workspace, in one round trip. Both queries use the (workspace_id, status) index.
    /// </summary>
    public static async Task<WorkspaceTaskRows> ReadAsync(IndexQueries index, string workspaceId, CancellationToken cancellationToken)
    {
        var (active, counts) = await index.ReadAsync(
            new IndexQuery("""
                SELECT id, status, priority, created_by FROM tasks
                WHERE workspace_id = $1 AND status IN ($2, $3) ORDER BY created_at, id
                """, workspaceId, TaskStatuses.Queued, TaskStatuses.Running),
            reader => (new QueuedTask(reader.GetString(0), reader.GetString(2), reader.GetString(3)), reader.GetString(1)),
            new IndexQuery("""
                SELECT count(*)::int,
                       (count(*) FILTER (WHERE status = $2))::int,
                       (count(*) FILTER (WHERE status IN ($3, $4)))::int
                FROM tasks WHERE workspace_id = $1
                """, workspaceId, TaskStatuses.Succeeded, TaskStatuses.Failed, TaskStatuses.TimedOut),
            reader => (Total: reader.GetInt32(0), Succeeded: reader.GetInt32(1), Failed: reader.GetInt32(2)),
            cancellationToken);
        return new WorkspaceTaskRows(active, counts[0].Total, counts[0].Succeeded, counts[0].Failed);
    }
}
