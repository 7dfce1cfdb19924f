using System.Collections.Immutable;
using System.Text.Json;
using OrleansHub.Grains.Interfaces.Lists;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.EventLog;

namespace OrleansHub.Grains.Tasks;

/// <summary>
/// Reads of what the task grains write: the <c>tasks</c> rows (<see cref="TaskEvents.Row"/>) for the list, and
/// the stored output lines (<see cref="TaskEvents.Logs"/>) through the runtime's event store.
/// </summary>
internal sealed class TaskDirectory(IndexQueries index, StreamEventStore events) : ITaskDirectory
{
    /// <summary>Output lines per page of <see cref="ReadLogAsync"/>.</summary>
    public const int LogPageSize = 1000;

    public async Task<ListPage<string>> ListVisibleAsync(
        string userId, TaskListFilter filter, ListRange range, CancellationToken cancellationToken)
    {
        var page = await index.ReadPageAsync(new IndexQuery("""
            WITH f AS (
                SELECT t.id, t.created_at FROM tasks t
                JOIN workspace_members m ON m.workspace_id = t.workspace_id AND m.user_id = $1
                WHERE ($2::text IS NULL OR t.workspace_id = $2) AND ($3::text IS NULL OR t.status = $3))
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY created_at DESC, id LIMIT $4 OFFSET $5)
            """, userId, filter.WorkspaceId, filter.Status, range.Limit, range.Offset), cancellationToken);
        return new ListPage<string>(page.Ids, page.Total);
    }

    public async Task<ImmutableArray<StoredTaskLogLine>> ReadLogAsync(string taskId, long afterSeq, CancellationToken cancellationToken)
    {
        var lines = await events.ReadAsync(TaskEvents.Stream(taskId), TaskEvents.Log, afterSeq, LogPageSize, cancellationToken);
        return [.. lines.Select(ToLine)];
    }

    // The event's data is a TaskLogLine as the runtime stored it: {"stream": ..., "line": ...}.
    private static StoredTaskLogLine ToLine(StoredStreamEvent stored)
    {
        using var data = JsonDocument.Parse(stored.DataJson);
        var root = data.RootElement;
        return new StoredTaskLogLine(stored.Seq, root.GetProperty("stream").GetString()!, root.GetProperty("line").GetString()!, stored.Timestamp);
    }
}
