namespace OrleansHub.Grains.Payments;

/// <summary>
/// A payment provider's confirm step. The order grain calls it after recording that it is confirming, always
/// with the payment's own idempotency key, so asking again (after a timeout or a restart) never charges twice.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>False when no provider is configured: payments answer 503 instead of calling anyone.</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// Approves the payment, or says it was declined. Throws <see cref="PaymentGatewayUnavailableException"/>
    /// when the outcome is unknown (no answer, a server error, a rejected merchant key): retry later.
    /// </summary>
    Task<GatewayResult> ConfirmAsync(GatewayConfirmRequest request, CancellationToken cancellationToken);
}

public sealed record GatewayConfirmRequest(string PaymentKey, string OrderId, long Amount, string IdempotencyKey);

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
