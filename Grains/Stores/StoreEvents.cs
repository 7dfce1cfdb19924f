using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Stores;

/// <summary>What a store change emits on <c>store:{id}</c>, and its list row (deploy/sql/domain/0400_orders.sql).</summary>
internal static class StoreEvents
{
    public static StreamId Stream(string storeId) => new("store", storeId);

    public static StreamEvent Menu(StoreState state) => new(Stream(state.Id), OrderEventTypes.Menu, state.ToMenu());

    public static IndexUpdate Row(StoreState state) =>
        new("INSERT INTO stores (id, name, owner_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            state.Id, state.Name, state.OwnerId, state.CreatedAt);
}
