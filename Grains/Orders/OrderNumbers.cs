using Npgsql;

namespace OrleansHub.Grains.Orders;

/// <summary>
/// Hands out order numbers from a counter row per store and day (<c>order_number_counters</c>). The upsert
/// takes the row's lock, so concurrent creates on any silo get distinct, increasing numbers, and the row
/// survives restarts. The number is taken just before the order's own write; that write's unique constraint
/// on (store, day, number) is the final guarantee. A write that fails after taking a number leaves a gap.
/// </summary>
public sealed class OrderNumbers(NpgsqlDataSource database)
{
    public async Task<int> NextAsync(string storeId, DateOnly day)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO order_number_counters AS c (store_id, business_day, last_number) VALUES ($1, $2, 1)
            ON CONFLICT (store_id, business_day) DO UPDATE SET last_number = c.last_number + 1
            RETURNING last_number
            """);
        command.Parameters.Add(new() { Value = storeId });
        command.Parameters.Add(new() { Value = day });
        return (int)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }
}
