using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Workspaces;

namespace OrleansHub.Api.Workspaces;

public sealed record CreateWorkspaceRequest(string? Name, string? Description, string[]? Tags, Dictionary<string, string>? Metadata)
{
    public CreateWorkspace ToCommand(string ownerId) => new(
        ownerId,
        Name ?? "",
        Description,
        Tags is null ? [] : [.. Tags],
        Metadata?.ToImmutableDictionary() ?? ImmutableDictionary<string, string>.Empty);
}

/// <summary>Only the fields sent change. <c>status</c> ("active" or "archived") archives or reactivates.</summary>
public sealed record UpdateWorkspaceRequest(
    string? Name, string? Description, string[]? Tags, Dictionary<string, string>? Metadata, string? Status)
{
    public UpdateWorkspace ToCommand() => new(
        Name, Description, Tags is null ? null : [.. Tags], Metadata?.ToImmutableDictionary(), Status);
}

public sealed record AddMemberRequest(string? UserId, string? Role);
