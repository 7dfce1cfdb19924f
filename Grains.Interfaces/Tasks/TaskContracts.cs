using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Tasks;

[GenerateSerializer, Immutable, Alias("OrleansHub.TaskProgress")]
public sealed record TaskProgress([property: Id(0)] long Current, [property: Id(1)] long Total, [property: Id(2)] double Percentage, [property: Id(3)] string? Message)
{
    public static readonly TaskProgress None = new(0, 0, 0, null);
}

/// <summary>A task as clients see it (docs/api.md "Task"). The environment is never shown: it may hold secrets.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.TaskView")]
public sealed record TaskView(
    [property: Id(0)] string Id,
    [property: Id(1)] string WorkspaceId,
    [property: Id(2)] string Type,
    [property: Id(3)] ImmutableArray<string> Command,
    [property: Id(4)] string? Image,
    [property: Id(5)] string Status,
    [property: Id(6)] int? ExitCode,
    [property: Id(7)] string? Error,
    [property: Id(8)] TaskProgress Progress,
    [property: Id(9)] string Priority,
    [property: Id(10)] int TimeoutSeconds,
    [property: Id(11)] string CreatedBy,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] DateTimeOffset? StartedAt,
    [property: Id(14)] DateTimeOffset? CompletedAt);

[GenerateSerializer, Immutable, Alias("OrleansHub.CreateTask")]
public sealed record CreateTask(
    [property: Id(0)] string WorkspaceId,
    [property: Id(1)] string CreatedBy,
    [property: Id(2)] ImmutableArray<string> Command,
    [property: Id(3)] string? Image,
    [property: Id(4)] ImmutableDictionary<string, string> Environment,
    [property: Id(5)] int? TimeoutSeconds,
    [property: Id(6)] string Priority);

/// <summary>One line of a task's output as stored on <c>task:{id}</c> (event type <c>task.log</c>).</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.TaskLogLine")]
public sealed record TaskLogLine([property: Id(0)] string Stream, [property: Id(1)] string Line);
