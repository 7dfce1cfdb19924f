namespace OrleansHub.Grains.Payments;

/// <summary>
/// A payment provider's confirm and cancel steps. The order grain calls each after recording what it is about
/// to do, always with that step's own idempotency key for the payment, so asking again (after a timeout or a
/// restart) never charges or refunds twice.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>False when no provider is configured: payments answer 503 instead of calling anyone.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// True for the local test gateway (<see cref="TestPaymentGateway"/>): its payments move no money, are marked
    /// <c>test</c>, and no other gateway settles them (nor it theirs).
    /// </summary>
    bool IsTest { get; }

    /// <summary>
    /// Approves the payment, or says it was declined. Throws <see cref="PaymentGatewayUnavailableException"/>
    /// when the outcome is unknown (no answer, a server error, a rejected merchant key): retry later.
    /// </summary>
    Task<GatewayResult> ConfirmAsync(GatewayConfirmRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels an approved payment in full (the refund), or says the provider refused. A payment cancelled
    /// before counts as cancelled. Throws <see cref="PaymentGatewayUnavailableException"/> when the outcome is
    /// unknown: ask again later with the same idempotency key.
    /// </summary>
    Task<GatewayCancelResult> CancelAsync(GatewayCancelRequest request, CancellationToken cancellationToken);
}

public sealed record GatewayConfirmRequest(string PaymentKey, string OrderId, long Amount, string IdempotencyKey);

public sealed record GatewayCancelRequest(string PaymentKey, string Reason, string IdempotencyKey);

/// <summary>The provider's answer to a cancel: done, or refused with its code and message.</summary>
public sealed record GatewayCancelResult(bool Cancelled, string? Code, string? Message)
{
    public static GatewayCancelResult Done() => new(true, null, null);

    public static GatewayCancelResult Refuse(string code, string? message) => new(false, code, message);
}

/// <summary>The provider's decision: approved (with when and how), or declined with its code and message.</summary>
public sealed record GatewayResult(bool Approved, DateTimeOffset? ApprovedAt, string? Method, string? Code, string? Message)
{
    public static GatewayResult Approve(DateTimeOffset? approvedAt, string? method) => new(true, approvedAt, method, null, null);

    public static GatewayResult Decline(string code, string? message) => new(false, null, null, code, message);
}

/// <summary>The provider did not decide (unreachable, timed out, failed, or refused our credentials); the payment stays confirming.</summary>
public sealed class PaymentGatewayUnavailableException : Exception
{
    public PaymentGatewayUnavailableException() : base("The payment gateway did not decide.") { }

    public PaymentGatewayUnavailableException(string message) : base(message) { }

    public PaymentGatewayUnavailableException(string message, Exception inner) : base(message, inner) { }
}
