using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Orders;

/// <summary>
/// The counter rows behind order numbers (<c>order_number_counters</c>, one per store and UTC day). The upsert
/// takes the row's lock, so reservations from any silo get distinct ranges, and the row survives restarts.
/// The store grain reserves ranges and hands numbers out from memory (<see cref="OrderNumberBlock"/>); the
/// order's own write has a unique constraint on (store, day, number) as the final guarantee.
/// </summary>
public sealed class OrderNumbers(IndexQueries index)
{
    /// <summary>Reserves the next <paramref name="count"/> numbers; returns the last of them.</summary>
    public async Task<int> ReserveAsync(string storeId, DateOnly day, int count)
    {
        var last = await index.ExecuteAsync(new IndexUpdate("""
            INSERT INTO order_number_counters AS c (store_id, business_day, last_number) VALUES ($1, $2, $3)
            ON CONFLICT (store_id, business_day) DO UPDATE SET last_number = c.last_number + $3
            RETURNING last_number
            """, storeId, day, count), reader => reader.GetInt32(0), CancellationToken.None).ConfigureAwait(false);
        return last[0];
    }

    /// <summary>
    /// Gives numbers after <paramref name="lastUsed"/> back, if nobody reserved after <paramref name="lastReserved"/>
    /// meanwhile (otherwise they stay a gap).
    /// </summary>
    public async Task GiveBackAsync(string storeId, DateOnly day, int lastUsed, int lastReserved)
    {
        await index.ExecuteAsync(new IndexUpdate("""
            UPDATE order_number_counters SET last_number = $3
            WHERE store_id = $1 AND business_day = $2 AND last_number = $4
            """, storeId, day, lastUsed, lastReserved), CancellationToken.None).ConfigureAwait(false);
    }
}
