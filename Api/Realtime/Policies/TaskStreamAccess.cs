using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;

namespace OrleansHub.Api.Realtime.Policies;

/// <summary><c>task:{id}</c>: whoever may read the task's workspace, as GET /tasks/{id}.</summary>
internal sealed class TaskStreamAccess : IStreamAccessPolicy
{
    public const string StreamKind = StreamNames.Task;

    public string Kind => StreamKind;

    public async ValueTask<bool> CanReadAsync(string userId, string key, IGrainFactory grains, CancellationToken cancellationToken) =>
        await WorkspaceOfAsync(key, grains) is { } workspaceId
        && await grains.GetGrain<IWorkspaceGrain>(workspaceId).GetRoleAsync(userId) is not null;

    /// <summary>The task's workspace, or null when the task does not exist.</summary>
    public static async Task<string?> WorkspaceOfAsync(string taskId, IGrainFactory grains)
    {
        try
        {
            return (await grains.GetGrain<ITaskGrain>(taskId).GetAsync()).WorkspaceId;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
