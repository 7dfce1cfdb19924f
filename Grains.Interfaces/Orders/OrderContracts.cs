using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Orders;

/// <summary>pending → accepted → ready → completed, pending → rejected, pending → cancelled (docs/api.md).</summary>
public static class OrderStatuses
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Ready = "ready";
    public const string Completed = "completed";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";

    public static readonly ImmutableArray<string> All = [Pending, Accepted, Ready, Completed, Rejected, Cancelled];

    public static bool IsKnown(string? status) => status is not null && All.Contains(status);

    /// <summary>Completed, rejected and cancelled orders take no more status changes.</summary>
    public static bool IsFinal(string status) => status is Completed or Rejected or Cancelled;
}

/// <summary>The order's <c>payment_status</c>: unpaid | pending | paid | refunded.</summary>
public static class OrderPaymentStatuses
{
    public const string Unpaid = "unpaid";
    public const string Pending = "pending";
    public const string Paid = "paid";
    public const string Refunded = "refunded";
}

/// <summary>Who a user is to an order: its customer, its store's owner, or (null) nobody who may see it.</summary>
public static class OrderRoles
{
    public const string Customer = "customer";
    public const string Owner = "owner";
}

/// <summary>One line of an order, priced from the menu when the order was placed.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.OrderItemView")]
public sealed record OrderItemView([property: Id(0)] string MenuItemId, [property: Id(1)] string Name, [property: Id(2)] int Quantity, [property: Id(3)] long UnitPrice, [property: Id(4)] long LineTotal);

/// <summary>
/// An order as clients see it (docs/api.md "Order"). Amounts are integers in the currency's minor unit.
/// <c>StatusReason</c> says why an order was rejected or cancelled; null otherwise.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string Id,
    [property: Id(1)] string OrderNumber,
    [property: Id(2)] string StoreId,
    [property: Id(3)] string CustomerId,
    [property: Id(4)] string? TableNumber,
    [property: Id(5)] ImmutableArray<OrderItemView> Items,
    [property: Id(6)] long TotalAmount,
    [property: Id(7)] string Status,
    [property: Id(8)] string PaymentStatus,
    [property: Id(9)] DateTimeOffset? EstimatedReadyAt,
    [property: Id(10)] string? SpecialRequests,
    [property: Id(11)] string? StatusReason,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] DateTimeOffset UpdatedAt);

/// <summary>What the customer asked for: menu item ids and quantities, never prices.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.OrderLineRequest")]
public sealed record OrderLineRequest([property: Id(0)] string MenuItemId, [property: Id(1)] int Quantity);

/// <summary>
/// A new order. <c>IdempotencyKey</c> is the client's <c>Idempotency-Key</c> header (the caller derives the
/// order id from it, so duplicates reach the same grain); null when none was sent.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.CreateOrder")]
public sealed record CreateOrder(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] string StoreId,
    [property: Id(2)] string? TableNumber,
    [property: Id(3)] ImmutableArray<OrderLineRequest> Items,
    [property: Id(4)] string? SpecialRequests,
    [property: Id(5)] string? IdempotencyKey);
