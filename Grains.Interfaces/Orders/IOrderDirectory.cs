using OrleansHub.Grains.Interfaces.Lists;

namespace OrleansHub.Grains.Interfaces.Orders;

/// <summary>
/// The order lists, read from the <c>orders</c> rows the order grains write with their state (never the
/// grains' JSON). Implemented in Grains/Orders. Who may read a list is the caller's to check.
/// </summary>
public interface IOrderDirectory
{
    /// <summary>Ids of one store's orders (the owner's board). ValidationException naming the filter's bad field.</summary>
    Task<ListPage<string>> ListByStoreAsync(string storeId, OrderListFilter filter, ListRange range, CancellationToken cancellationToken);

    /// <summary>Ids of one customer's orders. ValidationException naming the filter's bad field.</summary>
    Task<ListPage<string>> ListByCustomerAsync(string customerId, OrderListFilter filter, ListRange range, CancellationToken cancellationToken);
}

/// <summary>
/// <c>Status</c>: one of <see cref="OrderStatuses.All"/>, or null for all; <c>Sort</c>: <c>created_at:desc</c>
/// (null: the default) or <c>created_at:asc</c>.
/// </summary>
public sealed record OrderListFilter(string? Status, string? Sort);
