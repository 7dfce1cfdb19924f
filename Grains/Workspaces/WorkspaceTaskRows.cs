using Npgsql;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;

namespace OrleansHub.Grains.Workspaces;

/// <summary>A workspace's task side as its task rows have it: the queued and running tasks, oldest first, and the counts.</summary>
public sealed record WorkspaceTaskRows(IReadOnlyList<(QueuedTask Task, string Status)> Active, int Total, int Succeeded, int Failed)
{
    /// <summary>
    /// Reads the rows of <c>tasks</c> (written with each task's state, in the same transaction) for the
    /// workspace. Both queries use the (workspace_id, status) index.
    /// </summary>
    public static async Task<WorkspaceTaskRows> ReadAsync(NpgsqlDataSource database, string workspaceId, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT id, status, priority, created_by FROM tasks
            WHERE workspace_id = $1 AND status IN ($2, $3) ORDER BY created_at, id
            """)
        {
            Parameters = { new() { Value = workspaceId }, new() { Value = TaskStatuses.Queued }, new() { Value = TaskStatuses.Running } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            SELECT count(*)::int,
                   (count(*) FILTER (WHERE status = $2))::int,
                   (count(*) FILTER (WHERE status IN ($3, $4)))::int
            FROM tasks WHERE workspace_id = $1
            """)
        {
            Parameters =
            {
                new() { Value = workspaceId }, new() { Value = TaskStatuses.Succeeded },
                new() { Value = TaskStatuses.Failed }, new() { Value = TaskStatuses.TimedOut },
            },
        });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var active = new List<(QueuedTask, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            active.Add((new QueuedTask(reader.GetString(0), reader.GetString(2), reader.GetString(3)), reader.GetString(1)));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new WorkspaceTaskRows(active, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }
}
