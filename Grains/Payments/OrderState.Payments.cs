using System.Security.Cryptography;
using System.Text;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Payments;
using OrleansHub.Grains.Payments;

namespace OrleansHub.Grains.Orders;

/// <summary>What a confirm request needs next.</summary>
public enum ConfirmStep
{
    /// <summary>Already paid: answer paid again, ask nobody.</summary>
    AlreadyPaid,

    /// <summary>Ask the gateway (first attempt, or finishing one that was interrupted).</summary>
    AskGateway,
}

/// <summary>The payment rules of an order (pure, like the rest of <see cref="OrderState"/>).</summary>
public sealed partial class OrderState
{
    /// <summary>The order's <c>payment_status</c>, derived from its current payment.</summary>
    public string PaymentStatus => Payment?.Status switch
    {
        PaymentStatuses.Pending or PaymentStatuses.Confirming => OrderPaymentStatuses.Pending,
        PaymentStatuses.Paid => OrderPaymentStatuses.Paid,
        PaymentStatuses.Refunded => OrderPaymentStatuses.Refunded,
        _ => OrderPaymentStatuses.Unpaid,
    };

    /// <summary>
    /// Checks that the customer may start a payment with <paramref name="method"/>. Returns the unexpired
    /// pending payment to hand out again, or null when a new one should start.
    /// </summary>
    public PaymentRecord? ReusablePayment(string callerId, string? method, DateTimeOffset now)
    {
        RequireCustomer(callerId);
        if (!PaymentMethods.IsKnown(method))
        {
            throw new ValidationException("method", $"One of {string.Join(", ", PaymentMethods.All)}.");
        }
        if (Status is OrderStatuses.Rejected or OrderStatuses.Cancelled)
        {
            throw new ConflictException($"A {Status} order cannot be paid.");
        }
        if (TotalAmount == 0)
        {
            throw new ConflictException("This order costs nothing; there is nothing to pay.");
        }
        switch (Payment)
        {
            case { Status: PaymentStatuses.Paid or PaymentStatuses.Refunded }:
                throw new ConflictException("This order is already paid.");
            case { Status: PaymentStatuses.Confirming }:
                throw new ConflictException("A payment of this order is being confirmed.");
            case { Status: PaymentStatuses.Pending } pending when pending.ExpiresAt > now:
                return pending.Method == method
                    ? pending
                    : throw new ConflictException($"A {pending.Method} payment of this order is pending until {pending.ExpiresAt:O}.");
            default:
                return null;
        }
    }

    public void StartPayment(PaymentRecord payment)
    {
        Payment = payment;
        UpdatedAt = payment.CreatedAt;
    }

    /// <summary>Checks a confirm request; changes nothing. 404 for an unknown key, 409 for a wrong amount or a dead payment.</summary>
    public ConfirmStep CheckConfirm(string callerId, string? paymentKey, long amount, DateTimeOffset now)
    {
        RequireCustomer(callerId);
        if (Payment is not { } payment || paymentKey is null || !KeysEqual(payment.Key, paymentKey))
        {
            throw new NotFoundException("Payment not found.");
        }
        if (amount != TotalAmount || amount != payment.Amount)
        {
            throw new ConflictException("The amount does not match the order total.");
        }
        return payment.Status switch
        {
            PaymentStatuses.Paid => ConfirmStep.AlreadyPaid,
            PaymentStatuses.Confirming => ConfirmStep.AskGateway,
            PaymentStatuses.Pending when now >= payment.ExpiresAt => throw new ConflictException("The payment expired; start a new one."),
            PaymentStatuses.Pending => ConfirmStep.AskGateway,
            PaymentStatuses.Failed => throw Declined(payment),
            _ => throw new ConflictException($"The payment is {payment.Status}."),
        };
    }

    /// <summary>pending → confirming, recorded before the gateway is asked. False when it already is confirming.</summary>
    public bool BeginConfirm(DateTimeOffset now)
    {
        if (Payment is not { Status: PaymentStatuses.Pending } payment)
        {
            return false;
        }
        payment.Status = PaymentStatuses.Confirming;
        UpdatedAt = now;
        return true;
    }

    /// <summary>confirming → paid or failed, as the gateway decided. False when there was nothing to finish.</summary>
    public bool FinishConfirm(GatewayResult result, DateTimeOffset now)
    {
        if (Payment is not { Status: PaymentStatuses.Confirming } payment)
        {
            return false;
        }
        if (result.Approved)
        {
            payment.Status = PaymentStatuses.Paid;
            payment.ApprovedAt = result.ApprovedAt ?? now;
        }
        else
        {
            payment.Status = PaymentStatuses.Failed;
            payment.FailureCode = result.Code;
            payment.FailureMessage = result.Message;
        }
        UpdatedAt = now;
        return true;
    }

    /// <summary>pending → expired once its time is up. False otherwise.</summary>
    public bool ExpirePayment(DateTimeOffset now)
    {
        if (Payment is not { Status: PaymentStatuses.Pending } payment || now < payment.ExpiresAt)
        {
            return false;
        }
        payment.Status = PaymentStatuses.Expired;
        UpdatedAt = now;
        return true;
    }

    /// <summary>A refund is recorded and the provider has not yet answered whether it cancelled the charge.</summary>
    public bool RefundRequested => Payment is { Status: PaymentStatuses.Refunded, Refund.Status: RefundStatuses.Requested };

    /// <summary>
    /// requested → done or failed, as the provider answered. The order itself does not change (its
    /// <c>updated_at</c> neither). False when no refund was waiting for an answer.
    /// </summary>
    public bool FinishRefund(GatewayCancelResult result)
    {
        if (!RefundRequested)
        {
            return false;
        }
        var payment = Payment!;
        payment.Refund = result.Cancelled
            ? payment.Refund! with { Status = RefundStatuses.Done }
            : payment.Refund! with { Status = RefundStatuses.Failed, FailureCode = result.Code };
        return true;
    }

    /// <summary>The 409 for a declined payment, naming the gateway's code.</summary>
    public static ConflictException Declined(PaymentRecord payment) =>
        new($"The payment was declined ({payment.FailureCode}): {payment.FailureMessage} Start a new payment.");

    // Rejected or cancelled: a paid payment's refund is recorded (the grain then asks the provider to cancel the
    // charge), a pending one can no longer be confirmed.
    private void Close(string reason, DateTimeOffset now)
    {
        StatusReason = reason;
        switch (Payment)
        {
            case { Status: PaymentStatuses.Paid } paid:
                paid.Status = PaymentStatuses.Refunded;
                paid.Refund = new RefundView(paid.Amount, reason, now);
                break;
            case { Status: PaymentStatuses.Pending } pending:
                pending.Status = PaymentStatuses.Cancelled;
                break;
        }
    }

    // The gateway's answer is unknown while confirming: closing the order now could strand a charge.
    private void RequireNoConfirmation()
    {
        if (Payment?.Status == PaymentStatuses.Confirming)
        {
            throw new ConflictException("A payment of this order is being confirmed; try again in a moment.");
        }
    }

    private static bool KeysEqual(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    public PaymentEvent ToPaymentEvent() => new(
        Id, Payment!.Id, Payment.Status, PaymentStatus, Payment.Amount, Payment.Method, Payment.FailureCode, Payment.Refund);
}
