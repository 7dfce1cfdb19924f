using OrleansHub.Api.Realtime;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Streams;

namespace OrleansHub.Api.Orders;

/// <summary><c>order:{id}</c> is readable by the order's customer and by its store's owner.</summary>
internal sealed class OrderStreamAccessPolicy : IStreamAccessPolicy
{
    public string Kind => StreamNames.Order;

    public async ValueTask<bool> CanReadAsync(string userId, string key, IGrainFactory grains, CancellationToken cancellationToken) =>
        Ids.IsPlausible(key) && await grains.GetGrain<IOrderGrain>(key).GetRoleAsync(userId) is not null;
}
