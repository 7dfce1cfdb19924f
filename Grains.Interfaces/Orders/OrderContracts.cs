using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Orders;

/// <summary>pending → accepted → ready → completed, pending → rejected, pending → cancelled (API.md).</summary>
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
public sealed record OrderItemView(string MenuItemId, string Name, int Quantity, long UnitPrice, long LineTotal);

/// <summary>
/// An order as clients see it (API.md "Order"). Amounts are integers in the currency's minor unit.
/// <c>StatusReason</c> says why an order was rejected or cancelled; null otherwise.
/// </summary>
public sealed record OrderView(
    string Id,
    string OrderNumber,
    string StoreId,
    string CustomerId,
    string? TableNumber,
    ImmutableArray<OrderItemView> Items,
    long TotalAmount,
    string Status,
    string PaymentStatus,
    DateTimeOffset? EstimatedReadyAt,
    string? SpecialRequests,
    string? StatusReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What the customer asked for: menu item ids and quantities, never prices.</summary>
public sealed record OrderLineRequest(string MenuItemId, int Quantity);

/// <summary>
/// A new order. <c>IdempotencyKey</c> is the client's <c>Idempotency-Key</c> header (the caller derives the
/// order id from it, so duplicates reach the same grain); null when none was sent.
/// </summary>
public sealed record CreateOrder(
    string CustomerId,
    string StoreId,
    string? TableNumber,
    ImmutableArray<OrderLineRequest> Items,
    string? SpecialRequests,
    string? IdempotencyKey);
