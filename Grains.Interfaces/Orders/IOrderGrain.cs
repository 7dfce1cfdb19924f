namespace OrleansHub.Grains.Interfaces.Orders;

/// <summary>
/// One order: prices taken from its store's menu, a number per store per day, the status machine, and its
/// payment (<see cref="Payments.IOrderPaymentGrain"/>, same grain). Key: the order id. Every status change
/// emits <c>order.status</c> on <c>order:{id}</c> and <c>store:{storeId}</c>; a new order emits
/// <c>order.created</c> on <c>store:{storeId}</c>. A stranger gets 404 from every method; the customer gets
/// 403 from the owner's actions and the owner from the customer's.
/// </summary>
[Alias("OrleansHub.IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Places the order (status pending). Calling it again with the same customer and the same request returns
    /// the existing order (idempotent); a different request under this id is 409.
    /// </summary>
    [Alias("CreateAsync")]
    Task<OrderView> CreateAsync(CreateOrder command);

    /// <summary>The order, for its customer or its store's owner.</summary>
    [Alias("GetAsync")]
    Task<OrderView> GetAsync(string callerId);

    /// <summary><see cref="OrderRoles"/> of the user for this order, or null (also when the order does not exist).</summary>
    [Alias("GetRoleAsync")]
    Task<string?> GetRoleAsync(string userId);

    /// <summary>Owner: pending → accepted, ready about <paramref name="estimatedMinutes"/> from now.</summary>
    [Alias("AcceptAsync")]
    Task<OrderView> AcceptAsync(string callerId, int estimatedMinutes);

    /// <summary>Owner: pending → rejected. A paid order records a refund.</summary>
    [Alias("RejectAsync")]
    Task<OrderView> RejectAsync(string callerId, string reason);

    /// <summary>Owner: accepted → ready.</summary>
    [Alias("MarkReadyAsync")]
    Task<OrderView> MarkReadyAsync(string callerId);

    /// <summary>Owner: ready → completed.</summary>
    [Alias("CompleteAsync")]
    Task<OrderView> CompleteAsync(string callerId);

    /// <summary>Customer: pending → cancelled. A paid order records a refund.</summary>
    [Alias("CancelAsync")]
    Task<OrderView> CancelAsync(string callerId);
}
