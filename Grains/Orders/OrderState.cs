using System.Collections.Immutable;
using System.Globalization;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Payments;
using OrleansHub.Grains.Payments;

namespace OrleansHub.Grains.Orders;

/// <summary>
/// An order's stored state and its status machine (pure: every method checks everything before it changes
/// anything, so a refused command leaves the state as it was; the grain loads, applies, writes). The payment
/// rules are in Grains/Payments/OrderState.Payments.cs.
/// </summary>
public sealed partial class OrderState
{
    public string Id { get; set; } = "";
    public string OrderNumber { get; set; } = "";
    public string StoreId { get; set; } = "";
    public string StoreOwnerId { get; set; } = "";
    public string CustomerId { get; set; } = "";
    public string? TableNumber { get; set; }
    public List<OrderItemView> Items { get; set; } = [];
    public long TotalAmount { get; set; }
    public string Status { get; set; } = OrderStatuses.Pending;
    public DateTimeOffset? EstimatedReadyAt { get; set; }
    public string? SpecialRequests { get; set; }
    public string? StatusReason { get; set; }

    /// <summary>The day the order number belongs to: the UTC date of <see cref="CreatedAt"/>.</summary>
    public DateOnly BusinessDay { get; set; }
    public string RequestHash { get; set; } = "";
    public string? IdempotencyKey { get; set; }
    public PaymentRecord? Payment { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool Exists => CreatedAt != default;

    public bool IsFinal => Exists && OrderStatuses.IsFinal(Status);

    public static string FormatNumber(int number) => "A" + number.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>Who the user is to this order (the owner role wins for an owner ordering in their own store), or null.</summary>
    public string? RoleOf(string userId) =>
        !Exists ? null : userId == StoreOwnerId ? OrderRoles.Owner : userId == CustomerId ? OrderRoles.Customer : null;

    /// <summary>
    /// True when <paramref name="command"/> repeats the create that made this order (same customer, same request):
    /// the caller returns the order as it is. 409 when the id is taken by another request.
    /// </summary>
    public bool IsReplay(CreateOrder command, string requestHash)
    {
        if (!Exists)
        {
            return false;
        }
        if (command.CustomerId != CustomerId || requestHash != RequestHash)
        {
            throw new ConflictException(command.IdempotencyKey is null
                ? "An order with this id already exists."
                : "This Idempotency-Key was already used for a different order request.");
        }
        return true;
    }

    public void Create(
        string id, CreateOrder command, string requestHash, string storeOwnerId, ImmutableArray<OrderItemView> items, int number, DateTimeOffset now)
    {
        Id = id;
        OrderNumber = FormatNumber(number);
        StoreId = command.StoreId;
        StoreOwnerId = storeOwnerId;
        CustomerId = command.CustomerId;
        TableNumber = command.TableNumber;
        Items = [.. items];
        TotalAmount = items.Sum(item => item.LineTotal);
        SpecialRequests = command.SpecialRequests;
        BusinessDay = DateOnly.FromDateTime(now.UtcDateTime);
        RequestHash = requestHash;
        IdempotencyKey = command.IdempotencyKey;
        Status = OrderStatuses.Pending;
        CreatedAt = UpdatedAt = now;
    }

    public void Accept(string callerId, int estimatedMinutes, DateTimeOffset now)
    {
        RequireOwner(callerId);
        OrderValidation.EstimatedMinutes(estimatedMinutes);
        Move(OrderStatuses.Pending, OrderStatuses.Accepted, "accept", now);
        EstimatedReadyAt = now.AddMinutes(estimatedMinutes);
    }

    public void Reject(string callerId, string? reason, DateTimeOffset now)
    {
        RequireOwner(callerId);
        OrderValidation.Reason(reason);
        RequireNoConfirmation();
        Move(OrderStatuses.Pending, OrderStatuses.Rejected, "reject", now);
        Close(reason!.Trim(), now);
    }

    public void MarkReady(string callerId, DateTimeOffset now)
    {
        RequireOwner(callerId);
        Move(OrderStatuses.Accepted, OrderStatuses.Ready, "mark ready", now);
    }

    public void Complete(string callerId, DateTimeOffset now)
    {
        RequireOwner(callerId);
        Move(OrderStatuses.Ready, OrderStatuses.Completed, "complete", now);
    }

    public void Cancel(string callerId, DateTimeOffset now)
    {
        RequireCustomer(callerId);
        RequireNoConfirmation();
        Move(OrderStatuses.Pending, OrderStatuses.Cancelled, "cancel", now);
        Close("Cancelled by the customer.", now);
    }

    /// <summary>
    /// The pending timeout: cancels a pending order. False when there is nothing to do (no longer pending) or
    /// nothing to do yet (a payment is being confirmed; the next reminder tick tries again).
    /// </summary>
    public bool TimeOut(DateTimeOffset now)
    {
        if (!Exists || Status != OrderStatuses.Pending || Payment?.Status == PaymentStatuses.Confirming)
        {
            return false;
        }
        Move(OrderStatuses.Pending, OrderStatuses.Cancelled, "cancel", now);
        Close("Not accepted in time.", now);
        return true;
    }

    /// <summary>404 for a stranger (no existence leak).</summary>
    public string RequireVisible(string callerId) => RoleOf(callerId) ?? throw new NotFoundException("Order not found.");

    private void RequireOwner(string callerId)
    {
        if (RequireVisible(callerId) != OrderRoles.Owner)
        {
            throw new ForbiddenException("Only the store's owner does this.");
        }
    }

    private void RequireCustomer(string callerId)
    {
        RequireVisible(callerId);
        if (callerId != CustomerId)
        {
            throw new ForbiddenException("Only the customer who placed the order does this.");
        }
    }

    private void Move(string from, string to, string action, DateTimeOffset now)
    {
        if (Status != from)
        {
            throw new ConflictException($"Cannot {action} an order that is {Status}.");
        }
        Status = to;
        UpdatedAt = now;
    }

    public OrderView ToView() => new(
        Id,
        OrderNumber,
        StoreId,
        CustomerId,
        TableNumber,
        [.. Items],
        TotalAmount,
        Status,
        PaymentStatus,
        EstimatedReadyAt,
        SpecialRequests,
        StatusReason,
        CreatedAt,
        UpdatedAt);
}
