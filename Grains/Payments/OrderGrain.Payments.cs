using System.Security.Cryptography;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Payments;
using OrleansHub.Grains.Payments;

namespace OrleansHub.Grains.Orders;

/// <summary>
/// The order's payment: initiate, confirm through <see cref="IPaymentGateway"/>, expire. Confirming is
/// recorded before the gateway is asked, and the gateway always gets the payment's own idempotency key, so
/// a confirmation cut short (timeout, silo restart) is finished by the next confirm request (or the payment
/// reminder) without a second charge.
/// </summary>
public sealed partial class OrderGrain
{
    public async Task<PaymentView> InitiatePaymentAsync(string callerId, string method)
    {
        var now = clock.GetUtcNow();
        if (S.ReusablePayment(callerId, method, now) is { } pending)
        {
            RequireGatewayFor(pending);
            return pending.ToView();
        }
        RequireGateway();
        S.StartPayment(new PaymentRecord
        {
            Id = Guid.NewGuid().ToString(),
            Key = "pay_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)),
            Amount = S.TotalAmount,
            Method = method,
            CreatedAt = now,
            ExpiresAt = now + payments.Value.Expiry,
            Test = gateway.IsTest,
        });
        await RegisterAsync(Reminders.Payment, payments.Value.Expiry);
        await state.WriteStateAsync(OrderEvents.Payment(S), OrderEvents.Rows(S));
        return S.Payment!.ToView();
    }

    public async Task<PaymentConfirmation> ConfirmPaymentAsync(string callerId, ConfirmPayment command)
    {
        if (S.CheckConfirm(callerId, command.PaymentKey, command.Amount, clock.GetUtcNow()) == ConfirmStep.AskGateway)
        {
            RequireGatewayFor(S.Payment!);
            await ConfirmWithGatewayAsync();
        }
        return S.Payment!.Status == PaymentStatuses.Paid
            ? new PaymentConfirmation(S.Id, S.PaymentStatus, S.Payment.Test)
            : throw OrderState.Declined(S.Payment);
    }

    private async Task ConfirmWithGatewayAsync()
    {
        if (S.BeginConfirm(clock.GetUtcNow()))
        {
            await state.WriteStateAsync(OrderEvents.Payment(S), OrderEvents.Rows(S));
        }
        var payment = S.Payment!;
        GatewayResult result;
        try
        {
            result = await gateway.ConfirmAsync(
                new GatewayConfirmRequest(payment.Key, S.Id, payment.Amount, payment.GatewayIdempotencyKey), CancellationToken.None);
        }
        catch (PaymentGatewayUnavailableException)
        {
            throw new UnavailableException("The payment provider did not answer. The confirmation is kept: send the same request again.");
        }
        if (S.FinishConfirm(result, clock.GetUtcNow()))
        {
            await state.WriteStateAsync(OrderEvents.Payment(S), OrderEvents.Rows(S));
        }
        await UnregisterAsync(Reminders.Payment);
    }

    /// <summary>
    /// Asks the provider to cancel the charge of a refund recorded before (the payment reminder was registered
    /// first), always with the payment's cancel idempotency key, so asking again refunds once. The
    /// answer is recorded with an <c>order.payment</c> event and the reminder removed; no answer leaves the
    /// refund requested for the reminder. Nothing to do without a requested refund or without the gateway that took the
    /// payment (the test gateway's or a real one's).
    /// </summary>
    private async Task RefundWithGatewayAsync()
    {
        if (!S.RefundRequested || !Settles(S.Payment!))
        {
            return;
        }
        var payment = S.Payment!;
        GatewayCancelResult result;
        try
        {
            result = await gateway.CancelAsync(
                new GatewayCancelRequest(payment.Key, payment.Refund!.Reason, payment.RefundIdempotencyKey), CancellationToken.None);
        }
        catch (PaymentGatewayUnavailableException)
        {
            return; // Still undecided: the payment reminder's next tick asks again.
        }
        if (S.FinishRefund(result))
        {
            await state.WriteStateAsync(OrderEvents.Payment(S));
            await UnregisterAsync(Reminders.Payment);
        }
    }

    // The payment reminder: a pending payment past its time expires; a confirmation that was cut short is
    // finished; a refund the provider has not answered yet is asked for again.
    private async Task SettlePaymentAsync()
    {
        switch (S.Payment?.Status)
        {
            case PaymentStatuses.Pending:
                if (S.ExpirePayment(clock.GetUtcNow()))
                {
                    await state.WriteStateAsync(OrderEvents.Payment(S), OrderEvents.Rows(S));
                    await UnregisterAsync(Reminders.Payment);
                }
                break;
            case PaymentStatuses.Confirming when Settles(S.Payment!):
                try
                {
                    await ConfirmWithGatewayAsync();
                }
                catch (UnavailableException)
                {
                    // Still undecided: the reminder's next tick asks again.
                }
                break;
            case PaymentStatuses.Confirming:
                break;
            case PaymentStatuses.Refunded when S.RefundRequested:
                await RefundWithGatewayAsync(); // without a gateway it waits, as a confirmation does
                break;
            default:
                await UnregisterAsync(Reminders.Payment);
                break;
        }
    }

    private void RequireGateway()
    {
        if (!gateway.IsConfigured)
        {
            throw new UnavailableException("Payments are not available: no payment gateway is configured (Payments:Gateway).");
        }
    }

    // A payment taken by the test gateway is settled by it only, and a real gateway's payment never by the test
    // gateway (which would mark it paid without asking the provider): after the configuration changed, such a
    // payment waits (503) until it expires or the gateway that took it is back.
    private void RequireGatewayFor(PaymentRecord payment)
    {
        RequireGateway();
        if (!Settles(payment))
        {
            throw new UnavailableException(payment.Test
                ? "This payment was started on the local test gateway, which is no longer in use (a payment gateway is configured): it cannot be confirmed."
                : "This payment was started on the configured payment gateway, which is no longer in use; it waits for it.");
        }
    }

    private bool Settles(PaymentRecord payment) => gateway.IsConfigured && payment.Test == gateway.IsTest;
}
