using OrleansHub.Grains.Interfaces.Payments;

namespace OrleansHub.Grains.Payments;

/// <summary>The stored state of an order's current payment (part of the order's state).</summary>
public sealed class PaymentRecord
{
    public string Id { get; set; } = "";

    /// <summary>Handed to the customer at initiation; the confirm request must present it.</summary>
    public string Key { get; set; } = "";
    public long Amount { get; set; }
    public string Method { get; set; } = "";
    public string Status { get; set; } = PaymentStatuses.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public RefundView? Refund { get; set; }

    /// <summary>Started on the local test gateway (<see cref="TestPaymentGateway"/>): no money moves, and only that gateway may settle it.</summary>
    public bool Test { get; set; }

    /// <summary>
    /// The gateway's Idempotency-Key for confirming this payment: the same for every attempt, so an attempt
    /// repeated after a restart gets the first attempt's answer instead of a second charge.
    /// </summary>
    public string GatewayIdempotencyKey => "confirm-" + Id;

    /// <summary>The gateway's Idempotency-Key for cancelling (refunding) this payment, the same for every attempt.</summary>
    public string RefundIdempotencyKey => "cancel-" + Id;

    public PaymentView ToView() => new(Id, Key, Amount, Status, ExpiresAt, Test);
}
