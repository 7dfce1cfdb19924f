using OrleansHub.Grains.Interfaces.Lists;

namespace OrleansHub.Grains.Interfaces.Stores;

/// <summary>The store list, read from the <c>stores</c> rows the store grains write with their state. Implemented in Grains/Stores.</summary>
public interface IStoreDirectory
{
    /// <summary>Ids of the stores <paramref name="ownerId"/> owns, newest first.</summary>
    Task<ListPage<string>> ListOwnedAsync(string ownerId, ListRange range, CancellationToken cancellationToken);
}
