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

/// <summary>An initiated payment (API.md: <c>{payment_id, payment_key, amount, status, expires_at}</c>).</summary>
public sealed record PaymentView(string PaymentId, string PaymentKey, long Amount, string Status, DateTimeOffset ExpiresAt);

/// <summary>What the customer confirms: the payment key from initiation, and the amount they agreed to pay.</summary>
public sealed record ConfirmPayment(string PaymentKey, long Amount);

/// <summary>API.md: <c>{order_id, payment_status: "paid"}</c>.</summary>
public sealed record PaymentConfirmation(string OrderId, string PaymentStatus);

/// <summary>Data of an <c>order.payment</c> event.</summary>
public sealed record PaymentEvent(
    string OrderId,
    string PaymentId,
    string Status,
    string PaymentStatus,
    long Amount,
    string Method,
    string? FailureCode,
    RefundView? Refund);

/// <summary>
/// A refund recorded when a paid order is rejected or cancelled. <see cref="Status"/> says whether the payment
/// provider has cancelled the charge yet (<see cref="RefundStatuses"/>); <see cref="FailureCode"/> is the
/// provider's code when it refused.
/// </summary>
public sealed record RefundView(long Amount, string Reason, DateTimeOffset RefundedAt)
{
    public string Status { get; init; } = RefundStatuses.Requested;

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
