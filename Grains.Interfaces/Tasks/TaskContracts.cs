using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Tasks;

public sealed record TaskProgress(long Current, long Total, double Percentage, string? Message)
{
    public static readonly TaskProgress None = new(0, 0, 0, null);
}

/// <summary>A task as clients see it (API.md "Task"). The environment is never shown: it may hold secrets.</summary>
public sealed record TaskView(
    string Id,
    string WorkspaceId,
    string Type,
    ImmutableArray<string> Command,
    string? Image,
    string Status,
    int? ExitCode,
    string? Error,
    TaskProgress Progress,
    string Priority,
    int TimeoutSeconds,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt);

public sealed record CreateTask(
    string WorkspaceId,
    string CreatedBy,
    ImmutableArray<string> Command,
    string? Image,
    ImmutableDictionary<string, string> Environment,
    int? TimeoutSeconds,
    string Priority);

/// <summary>One line of a task's output as stored on <c>task:{id}</c> (event type <c>task.log</c>).</summary>
public sealed record TaskLogLine(string Stream, string Line);
