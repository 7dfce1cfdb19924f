using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Identity;

/// <summary>An API key. Its activation answers every request made with the key.</summary>
[GrainType("api-key")]
public sealed class ApiKeyGrain(
    [OutboxState("api-key")] IOutboxState<ApiKeyState> state,
    TimeProvider clock) : Grain, IApiKeyGrain
{
    public async Task<ApiKeyView> CreateAsync(CreateApiKey command)
    {
        if (state.State.Exists)
        {
            throw new ConflictException("This API key exists already.");
        }
        if (!Roles.IsValid(command.Role))
        {
            throw new ValidationException("role", $"Must be one of: {string.Join(", ", Roles.All)}.");
        }
        var key = ApiKeyState.Create(this.GetPrimaryKeyString(), command, IdentityClock.Now(clock));
        state.State = key;
        await state.WriteStateAsync([],
        [
            IdentityIndex.InsertApiKey(key),
            AuditLog.Entry(key.CreatedAt, key.OwnerId, AuditActions.ApiKeyCreated, Target, command.Ip, new { name = key.Name, role = key.Role }),
        ]);
        return key.ToView();
    }

    public async Task<bool> RevokeAsync(RevokeApiKey command)
    {
        if (!state.State.CanBeRevokedBy(command.CallerId))
        {
            return false;
        }
        var key = state.State.Revoke(IdentityClock.Now(clock));
        state.State = key;
        // The event on user:{id} lets the hub end the key's live connections.
        await state.WriteStateAsync(
            [new StreamEvent(new StreamId(StreamNames.User, key.OwnerId), IdentityEvent.ApiKeyRevokedType, new ApiKeyRevoked(key.Id, key.Name))],
            [
                IdentityIndex.RevokeApiKey(key),
                AuditLog.Entry(key.RevokedAt!.Value, command.CallerId, AuditActions.ApiKeyRevoked, Target, command.Ip, new { name = key.Name }),
            ]);
        return true;
    }

    public Task<ApiKeyView?> VerifyAsync(string secretHash) =>
        Task.FromResult(state.State.Accepts(secretHash) ? state.State.ToView() : null);

    private string Target => $"api_key:{this.GetPrimaryKeyString()}";
}
