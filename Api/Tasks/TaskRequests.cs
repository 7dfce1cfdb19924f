using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Tasks;

namespace OrleansHub.Api.Tasks;

public sealed record CreateTaskRequest(
    string? WorkspaceId,
    string? Type,
    string[]? Command,
    string? Image,
    Dictionary<string, string>? Env,
    int? TimeoutSeconds,
    string? Priority)
{
    public CreateTask ToCommand(string createdBy) => new(
        WorkspaceId ?? "",
        createdBy,
        Command is null ? [] : [.. Command],
        Image,
        Env?.ToImmutableDictionary() ?? ImmutableDictionary<string, string>.Empty,
        TimeoutSeconds,
        Priority ?? TaskPriorities.Medium);
}

/// <summary>A stored output line (docs/api.md "GET /api/v1/tasks/{id}/logs").</summary>
public sealed record TaskLogEntry(long Seq, string Stream, string Line, DateTimeOffset Timestamp);

public sealed record TaskLogPage(IReadOnlyList<TaskLogEntry> Data);

internal static class TaskLogMapping
{
    public static TaskLogEntry ToEntry(this StoredTaskLogLine line) => new(line.Seq, line.Stream, line.Line, line.Timestamp);
}
