using Npgsql;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;

namespace OrleansHub.Api.Orders;

/// <summary>Reads the order list rows (orders_by_store, orders_by_customer), never the grains' JSON.</summary>
internal static class OrderQueries
{
    /// <summary>The owner's board: one store's orders.</summary>
    public const string ByStore = "store_id";

    /// <summary>The customer's own orders.</summary>
    public const string ByCustomer = "customer_id";

    // The allow-list of sort keys: the value is SQL, the key is what clients send.
    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["created_at:desc"] = "created_at DESC, id",
        ["created_at:asc"] = "created_at ASC, id",
    };

    public sealed record OrderFilter(string? Status, string OrderBy);

    /// <summary>Checks <c>status</c> and <c>sort</c> (default newest first); 400 naming the field otherwise.</summary>
    public static OrderFilter Filter(string? status, string? sort)
    {
        if (status is not null && !OrderStatuses.IsKnown(status))
        {
            throw new ValidationException("status", $"One of {string.Join(", ", OrderStatuses.All)}.");
        }
        if (sort is not null && !SortColumns.ContainsKey(sort))
        {
            throw new ValidationException("sort", "One of created_at:desc, created_at:asc.");
        }
        return new OrderFilter(status, SortColumns[sort ?? "created_at:desc"]);
    }

    /// <summary>Ids of the orders whose <paramref name="column"/> (<see cref="ByStore"/> or <see cref="ByCustomer"/>) is <paramref name="key"/>, with the total.</summary>
    public static async Task<(string[] Ids, long Total)> ListAsync(
        NpgsqlDataSource database, string column, string key, OrderFilter filter, PageQuery page, CancellationToken cancellationToken)
    {
        if (column is not (ByStore or ByCustomer))
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, "Not an order list column.");
        }
        await using var command = database.CreateCommand($"""
            WITH f AS (SELECT id, created_at FROM orders WHERE {column} = $1 AND ($2::text IS NULL OR status = $2))
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY {filter.OrderBy} LIMIT $3 OFFSET $4)
            """);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = (object?)filter.Status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = page.Limit });
        command.Parameters.Add(new() { Value = page.Offset });
        return await IndexPage.ReadAsync(command, cancellationToken);
    }
}
