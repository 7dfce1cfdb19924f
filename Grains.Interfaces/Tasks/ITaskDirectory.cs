using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Lists;

namespace OrleansHub.Grains.Interfaces.Tasks;

/// <summary>
/// The task lists: the <c>tasks</c> rows the task grains write with their state, and a task's stored output
/// (the <c>task.log</c> events of <c>task:{id}</c>). Implemented in Grains/Tasks. Access to one task is the
/// caller's to check, against its workspace.
/// </summary>
public interface ITaskDirectory
{
    /// <summary>
    /// Ids of the tasks in the workspaces <paramref name="userId"/> belongs to (as owner or member), newest
    /// first, narrowed by <paramref name="filter"/>.
    /// </summary>
    Task<ListPage<string>> ListVisibleAsync(string userId, TaskListFilter filter, ListRange range, CancellationToken cancellationToken);

    /// <summary>
    /// The task's output lines with a seq greater than <paramref name="afterSeq"/>, oldest first, one page
    /// (at most 1,000 lines); a client reads on after the last seq it got.
    /// </summary>
    Task<ImmutableArray<StoredTaskLogLine>> ReadLogAsync(string taskId, long afterSeq, CancellationToken cancellationToken);
}

/// <summary>List filters; a null member matches every task.</summary>
public sealed record TaskListFilter(string? WorkspaceId, string? Status);

/// <summary>A stored output line: its seq in <c>task:{id}</c>, <c>stdout</c> or <c>stderr</c>, the text, and when it was stored.</summary>
public sealed record StoredTaskLogLine(long Seq, string Stream, string Line, DateTimeOffset Timestamp);
