using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Lists;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Orders;

/// <summary>Reads the order list rows (<c>orders</c>, written by <see cref="OrderEvents"/>), never the grains' JSON.</summary>
internal sealed class OrderDirectory(IndexQueries index) : IOrderDirectory
{
    // The allow-list of sort keys: the key is what clients send, the value is SQL.
    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["created_at:desc"] = "created_at DESC, id",
        ["created_at:asc"] = "created_at ASC, id",
    };

    public Task<ListPage<string>> ListByStoreAsync(string storeId, OrderListFilter filter, ListRange range, CancellationToken cancellationToken) =>
        ListAsync("store_id", storeId, filter, range, cancellationToken);

    public Task<ListPage<string>> ListByCustomerAsync(string customerId, OrderListFilter filter, ListRange range, CancellationToken cancellationToken) =>
        ListAsync("customer_id", customerId, filter, range, cancellationToken);

    // column is store_id or customer_id, from the two methods above: never client text.
    private async Task<ListPage<string>> ListAsync(
        string column, string key, OrderListFilter filter, ListRange range, CancellationToken cancellationToken)
    {
        var orderBy = OrderBy(filter);
        var page = await index.ReadPageAsync(new IndexQuery($"""
            WITH f AS (SELECT id, created_at FROM orders WHERE {column} = $1 AND ($2::text IS NULL OR status = $2))
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY {orderBy} LIMIT $3 OFFSET $4)
            """, key, filter.Status, range.Limit, range.Offset), cancellationToken);
        return new ListPage<string>(page.Ids, page.Total);
    }

    /// <summary>Checks <c>status</c> and <c>sort</c> (default newest first); 400 naming the field otherwise.</summary>
    private static string OrderBy(OrderListFilter filter)
    {
        if (filter.Status is not null && !OrderStatuses.IsKnown(filter.Status))
        {
            throw new ValidationException("status", $"One of {string.Join(", ", OrderStatuses.All)}.");
        }
        if (filter.Sort is not null && !SortColumns.ContainsKey(filter.Sort))
        {
            throw new ValidationException("sort", "One of created_at:desc, created_at:asc.");
        }
        return SortColumns[filter.Sort ?? "created_at:desc"];
    }
}
