using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Orders;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Stores;

/// <summary>
/// A store and its menu. The activation holds the menu in memory: reads never touch the database. It also
/// hands out the store's order numbers (<see cref="OrderNumberBlock"/>).
/// </summary>
[GrainType("store")]
public sealed class StoreGrain(
    [OutboxState("store")] IOutboxState<StoreState> state,
    OrderNumbers numbers,
    TimeProvider clock) : Grain, IStoreGrain
{
    private readonly OrderNumberBlock _numbers = new(numbers, clock);

    private StoreState S => state.State;

    public async Task<StoreView> CreateAsync(CreateStore command)
    {
        S.Create(this.GetPrimaryKeyString(), command, clock.GetUtcNow());
        await state.WriteStateAsync([StoreEvents.Menu(S)], [StoreEvents.Row(S)]);
        return S.ToView();
    }

    public Task<StoreView?> FindAsync() => Task.FromResult(S.Exists ? S.ToView() : null);

    public Task<MenuView> GetMenuAsync()
    {
        S.RequireExists();
        return Task.FromResult(S.ToMenu());
    }

    public async Task<MenuView> UpdateMenuAsync(string callerId, UpdateMenu command)
    {
        var now = clock.GetUtcNow();
        // The API's one id form (docs/api.md "Ids"): a dashed, time-ordered UUID.
        S.ReplaceMenu(callerId, command, () => Guid.CreateVersion7(now).ToString(), now);
        await state.WriteStateAsync(StoreEvents.Menu(S));
        return S.ToMenu();
    }

    public Task<int> TakeOrderNumberAsync(DateOnly day)
    {
        S.RequireExists();
        return _numbers.TakeAsync(this.GetPrimaryKeyString(), day);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _numbers.GiveBackAsync(this.GetPrimaryKeyString());
}
