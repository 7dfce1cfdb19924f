using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Tasks;

/// <summary>What a task change emits (status and progress to task and workspace streams, logs to the task's) and its list row.</summary>
internal static class TaskEvents
{
    /// <summary>The type of an output line's event; <see cref="TaskDirectory"/> reads them back by it.</summary>
    public const string Log = TaskEventTypes.Log;

    public static StreamId Stream(string taskId) => new(StreamNames.Task, taskId);

    public static StreamEvent[] Status(TaskState state)
    {
        var view = state.ToView();
        return [new(Stream(state.Id), TaskEventTypes.Status, view), new(new StreamId(StreamNames.Workspace, state.WorkspaceId), TaskEventTypes.Status, view)];
    }

    public static StreamEvent[] Progress(TaskState state)
    {
        var data = new { task_id = state.Id, progress = state.Progress };
        return [new(Stream(state.Id), TaskEventTypes.Progress, data), new(new StreamId(StreamNames.Workspace, state.WorkspaceId), TaskEventTypes.Progress, data)];
    }

    public static IEnumerable<StreamEvent> Logs(TaskState state, IEnumerable<TaskLogLine> lines) =>
        lines.Select(line => new StreamEvent(Stream(state.Id), Log, line));

    /// <summary>The task's list row; <see cref="TaskDirectory"/>, the workspace and the quota grain read these rows.</summary>
    public static IndexUpdate[] Row(TaskState state) =>
    [
        new("""
            INSERT INTO tasks (id, workspace_id, created_by, status, priority, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, now())
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = now()
            """, state.Id, state.WorkspaceId, state.CreatedBy, state.Status, state.Priority, state.CreatedAt),
    ];
}
