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

public sealed record WorkspaceMember(string UserId, string Role);

public sealed record WorkspaceStats(int TotalTasks, int RunningTasks, int SucceededTasks, int FailedTasks);

public sealed record WorkspaceView(
    string Id,
    string Name,
    string? Description,
    string OwnerId,
    string Status,
    ImmutableArray<string> Tags,
    ImmutableDictionary<string, string> Metadata,
    ImmutableArray<WorkspaceMember> Members,
    WorkspaceStats Stats,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record CreateWorkspace(
    string OwnerId,
    string Name,
    string? Description,
    ImmutableArray<string> Tags,
    ImmutableDictionary<string, string> Metadata);

/// <summary>Only the fields that are set change. <c>Status</c> archives or reactivates.</summary>
public sealed record UpdateWorkspace(
    string? Name,
    string? Description,
    ImmutableArray<string>? Tags,
    ImmutableDictionary<string, string>? Metadata,
    string? Status);

/// <summary>A task waiting in its workspace's queue.</summary>
public sealed record QueuedTask(string TaskId, string Priority, string CreatedBy);
