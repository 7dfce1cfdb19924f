using OrleansHub.Api.Realtime;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Interfaces.Streams;

namespace OrleansHub.Api.Stores;

/// <summary><c>store:{id}</c> (the live order board: new orders, status and payment changes) is the owner's alone.</summary>
internal sealed class StoreStreamAccessPolicy : IStreamAccessPolicy
{
    public string Kind => StreamNames.Store;

    public async ValueTask<bool> CanReadAsync(string userId, string key, IGrainFactory grains, CancellationToken cancellationToken) =>
        Ids.IsPlausible(key) && (await grains.GetGrain<IStoreGrain>(key).FindAsync())?.OwnerId == userId;
}
