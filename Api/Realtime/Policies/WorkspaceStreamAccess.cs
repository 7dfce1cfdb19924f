using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Grains.Interfaces.Workspaces;

namespace OrleansHub.Api.Realtime.Policies;

/// <summary><c>workspace:{id}</c>: its owner and members (any role), as GET /workspaces/{id}.</summary>
internal sealed class WorkspaceStreamAccess : IStreamAccessPolicy
{
    public const string StreamKind = StreamNames.Workspace;

    public string Kind => StreamKind;

    public async ValueTask<bool> CanReadAsync(string userId, string key, IGrainFactory grains, CancellationToken cancellationToken) =>
        await grains.GetGrain<IWorkspaceGrain>(key).GetRoleAsync(userId) is not null;
}
