using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Workspaces;

/// <summary>Roles a user can hold in a workspace; the owner is not a member entry.</summary>
public static class WorkspaceRoles
{
    public const string Viewer = "viewer";
    public const string Editor = "editor";
    public const string Owner = "owner";

    public static bool IsMemberRole(string? role) => role is Viewer or Editor;

    /// <summary>Owner > editor > viewer.</summary>
    public static int Rank(string? role) => role switch
    {
        Owner => 3,
        Editor => 2,
        Viewer => 1,
        _ => 0,
    };
}

public static class WorkspaceStatuses
{
    public const string Active = "active";
    public const string Archived = "archived";
}

[GenerateSerializer, Immutable, Alias("OrleansHub.WorkspaceMember")]
public sealed record WorkspaceMember([property: Id(0)] string UserId, [property: Id(1)] string Role);

[GenerateSerializer, Immutable, Alias("OrleansHub.WorkspaceStats")]
public sealed record WorkspaceStats([property: Id(0)] int TotalTasks, [property: Id(1)] int RunningTasks, [property: Id(2)] int SucceededTasks, [property: Id(3)] int FailedTasks);

[GenerateSerializer, Immutable, Alias("OrleansHub.WorkspaceView")]
public sealed record WorkspaceView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] string OwnerId,
    [property: Id(4)] string Status,
    [property: Id(5)] ImmutableArray<string> Tags,
    [property: Id(6)] ImmutableDictionary<string, string> Metadata,
    [property: Id(7)] ImmutableArray<WorkspaceMember> Members,
    [property: Id(8)] WorkspaceStats Stats,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("OrleansHub.CreateWorkspace")]
public sealed record CreateWorkspace(
    [property: Id(0)] string OwnerId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] ImmutableArray<string> Tags,
    [property: Id(4)] ImmutableDictionary<string, string> Metadata);

/// <summary>Only the fields that are set change. <c>Status</c> archives or reactivates.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.UpdateWorkspace")]
public sealed record UpdateWorkspace(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] ImmutableArray<string>? Tags,
    [property: Id(3)] ImmutableDictionary<string, string>? Metadata,
    [property: Id(4)] string? Status);

/// <summary>A task waiting in its workspace's queue.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.QueuedTask")]
public sealed record QueuedTask([property: Id(0)] string TaskId, [property: Id(1)] string Priority, [property: Id(2)] string CreatedBy);
