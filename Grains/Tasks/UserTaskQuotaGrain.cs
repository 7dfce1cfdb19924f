using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Runtime;

namespace OrleansHub.Grains.Tasks;

public sealed class UserTaskQuotaState
{
    public HashSet<string> Active { get; set; } = [];
}

/// <summary>One per user: which of the user's tasks are queued or running. Single-threaded, so the limit is exact.</summary>
[GrainType("task-quota")]
public sealed class UserTaskQuotaGrain([PersistentState("quota")] IPersistentState<UserTaskQuotaState> state)
    : Grain, IUserTaskQuotaGrain
{
    public async Task<bool> TryAcquireAsync(string taskId, int limit)
    {
        if (state.State.Active.Contains(taskId))
        {
            return true;
        }
        if (state.State.Active.Count >= limit)
        {
            return false;
        }
        state.State.Active.Add(taskId);
        await state.WriteStateAsync();
        return true;
    }

    public async Task ReleaseAsync(string taskId)
    {
        if (state.State.Active.Remove(taskId))
        {
            await state.WriteStateAsync();
        }
    }
}
