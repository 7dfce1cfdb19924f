using System.Text.Json.Serialization;

namespace OrleansHub.Grains.Interfaces.Payments;

/// <summary>
/// A payment's own status. pending (initiated) → confirming (the provider is being asked) → paid | failed;
/// pending → expired | cancelled (the order was cancelled or rejected first); paid → refunded.
/// </summary>
public static class PaymentStatuses
{
    public const string Pending = "pending";
    public const string Confirming = "confirming";
    public const string Paid = "paid";
    public const string Failed = "failed";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";
}

/// <summary>
/// Payment methods a customer may choose (lower case). Methods settled later (virtual accounts, whose confirm
/// answers "waiting for deposit") are not offered: a confirmed payment here is a paid one.
/// </summary>
public static class PaymentMethods
{
    public static readonly IReadOnlyList<string> All = ["card", "transfer", "easy_pay", "mobile_phone"];

    public static bool IsKnown(string? method) => method is not null && All.Contains(method);
}

/// <summary>
/// An initiated payment (docs/api.md: <c>{payment_id, payment_key, amount, status, expires_at}</c>). <see cref="Test"/>
/// (<c>"test": true</c>, left out otherwise) marks a payment of the local test gateway, which moves no money
/// (docs/orders.md, "The local test gateway").
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.PaymentView")]
public sealed record PaymentView(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string PaymentKey,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Test = false);

/// <summary>What the customer confirms: the payment key from initiation, and the amount they agreed to pay.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.ConfirmPayment")]
public sealed record ConfirmPayment([property: Id(0)] string PaymentKey, [property: Id(1)] long Amount);

/// <summary>docs/api.md: <c>{order_id, payment_status: "paid"}</c>, and <c>"test": true</c> for a payment of the local test gateway.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.PaymentConfirmation")]
public sealed record PaymentConfirmation(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string PaymentStatus,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Test = false);

/// <summary>Data of an <c>order.payment</c> event.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.PaymentEvent")]
public sealed record PaymentEvent(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] string Status,
    [property: Id(3)] string PaymentStatus,
    [property: Id(4)] long Amount,
    [property: Id(5)] string Method,
    [property: Id(6)] string? FailureCode,
    [property: Id(7)] RefundView? Refund);

/// <summary>
/// A refund recorded when a paid order is rejected or cancelled. <see cref="Status"/> says whether the payment
/// provider has cancelled the charge yet (<see cref="RefundStatuses"/>); <see cref="FailureCode"/> is the
/// provider's code when it refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.RefundView")]
public sealed record RefundView([property: Id(0)] long Amount, [property: Id(1)] string Reason, [property: Id(2)] DateTimeOffset RefundedAt)
{
    [Id(3)]
    public string Status { get; init; } = RefundStatuses.Requested;

    [Id(4)]
    public string? FailureCode { get; init; }
}

/// <summary>
/// A refund's progress at the payment provider: requested (recorded; the provider is being asked, and asked
/// again until it answers) → done (the provider cancelled the charge) | failed (the provider refused; an
/// operator has to settle it).
/// </summary>
public static class RefundStatuses
{
    public const string Requested = "requested";
    public const string Done = "done";
    public const string Failed = "failed";
}
