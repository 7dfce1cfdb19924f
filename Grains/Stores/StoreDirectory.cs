using OrleansHub.Grains.Interfaces.Lists;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Stores;

/// <summary>Reads the store list rows (<c>stores</c>, written by <see cref="StoreEvents.Row"/>), never the grains' JSON.</summary>
internal sealed class StoreDirectory(IndexQueries index) : IStoreDirectory
{
    public async Task<ListPage<string>> ListOwnedAsync(string ownerId, ListRange range, CancellationToken cancellationToken)
    {
        var page = await index.ReadPageAsync(new IndexQuery("""
            WITH f AS (SELECT id, created_at FROM stores WHERE owner_id = $1)
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY created_at DESC, id LIMIT $2 OFFSET $3)
            """, ownerId, range.Limit, range.Offset), cancellationToken);
        return new ListPage<string>(page.Ids, page.Total);
    }
}
