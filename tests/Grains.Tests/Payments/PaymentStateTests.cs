using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Payments;
using OrleansHub.Grains.Orders;
using OrleansHub.Grains.Payments;
using static OrleansHub.Grains.Tests.Orders.OrderTestKit;

namespace OrleansHub.Grains.Tests.Payments;

public sealed class PaymentStateTests
{
    [Fact]
    public void AnAmountOtherThanTheTotalConflictsAndChangesNothing()
    {
        var state = Pending();
        Pay(state);
        var before = Snapshot(state);

        Assert.Throws<ConflictException>(() => state.CheckConfirm(Customer, "pay_key", state.TotalAmount - 1, Now));
        Assert.Throws<ConflictException>(() => state.CheckConfirm(Customer, "pay_key", state.TotalAmount + 1, Now));

        Assert.Equal(before, Snapshot(state));
    }

    [Fact]
    public void AWrongKeyIsNotFoundAndOnlyTheCustomerConfirms()
    {
        var state = Pending();
        Pay(state);

        Assert.Throws<NotFoundException>(() => state.CheckConfirm(Customer, "pay_other", state.TotalAmount, Now));
        Assert.Throws<NotFoundException>(() => state.CheckConfirm(Stranger, "pay_key", state.TotalAmount, Now));
        Assert.Throws<ForbiddenException>(() => state.CheckConfirm(Owner, "pay_key", state.TotalAmount, Now));
    }

    [Fact]
    public void ConfirmingIsRecordedThenTheGatewaysApprovalMakesItPaid()
    {
        var state = Pending();
        var payment = Pay(state);

        Assert.Equal(ConfirmStep.AskGateway, state.CheckConfirm(Customer, "pay_key", state.TotalAmount, Now));
        Assert.True(state.BeginConfirm(Now));
        Assert.False(state.BeginConfirm(Now));
        Assert.Equal(PaymentStatuses.Confirming, payment.Status);
        Assert.Equal(OrderPaymentStatuses.Pending, state.PaymentStatus);

        // Interrupted here (restart): the next confirm asks the gateway again.
        Assert.Equal(ConfirmStep.AskGateway, state.CheckConfirm(Customer, "pay_key", state.TotalAmount, Now.AddHours(1)));
        Assert.True(state.FinishConfirm(GatewayResult.Approve(Now, "CARD"), Now));

        Assert.Equal(OrderPaymentStatuses.Paid, state.PaymentStatus);
        Assert.Equal(ConfirmStep.AlreadyPaid, state.CheckConfirm(Customer, "pay_key", state.TotalAmount, Now));
        Assert.False(state.FinishConfirm(GatewayResult.Decline("LATE", null), Now));
    }

    [Fact]
    public void ADeclineFailsThePaymentAndEveryLaterConfirmSaysSo()
    {
        var state = Pending();
        Pay(state);
        state.BeginConfirm(Now);

        state.FinishConfirm(GatewayResult.Decline("REJECT_CARD_PAYMENT", "Limit exceeded."), Now);

        Assert.Equal(OrderPaymentStatuses.Unpaid, state.PaymentStatus);
        var conflict = Assert.Throws<ConflictException>(() => state.CheckConfirm(Customer, "pay_key", state.TotalAmount, Now));
        Assert.Contains("REJECT_CARD_PAYMENT", conflict.Message, StringComparison.Ordinal);
        Assert.Null(state.ReusablePayment(Customer, "card", Now)); // a new payment may start
    }

    [Fact]
    public void APendingPaymentExpiresAtItsTimeAndCannotBeConfirmedAfter()
    {
        var state = Pending();
        var payment = Pay(state);

        Assert.False(state.ExpirePayment(payment.ExpiresAt.AddTicks(-1)));
        Assert.Throws<ConflictException>(() => state.CheckConfirm(Customer, "pay_key", state.TotalAmount, payment.ExpiresAt));
        Assert.True(state.ExpirePayment(payment.ExpiresAt));

        Assert.Equal(PaymentStatuses.Expired, payment.Status);
        Assert.Equal(OrderPaymentStatuses.Unpaid, state.PaymentStatus);
    }

    [Fact]
    public void AConfirmingPaymentNeverExpires()
    {
        var state = Pending();
        var payment = Pay(state);
        state.BeginConfirm(Now);

        Assert.False(state.ExpirePayment(payment.ExpiresAt.AddDays(1)));
        Assert.Equal(ConfirmStep.AskGateway, state.CheckConfirm(Customer, "pay_key", state.TotalAmount, payment.ExpiresAt.AddDays(1)));
    }

    [Fact]
    public void RejectingAPaidOrderRecordsARefundOfTheWholeAmount()
    {
        var state = Pending();
        var payment = Pay(state, PaymentStatuses.Paid);

        state.Reject(Owner, "Kitchen closed", Now.AddMinutes(2));

        Assert.Equal(OrderPaymentStatuses.Refunded, state.PaymentStatus);
        Assert.Equal(new RefundView(12_000, "Kitchen closed", Now.AddMinutes(2)) { Status = RefundStatuses.Requested }, payment.Refund);
        Assert.True(state.RefundRequested);
    }

    [Fact]
    public void TheProvidersAnswerFinishesARequestedRefundOnce()
    {
        var cancelled = Pending();
        var refused = Pending();
        var done = Pay(cancelled, PaymentStatuses.Paid);
        var failed = Pay(refused, PaymentStatuses.Paid);
        cancelled.Reject(Owner, "Kitchen closed", Now);
        refused.Cancel(Customer, Now);
        var updatedAt = refused.UpdatedAt;

        Assert.True(cancelled.FinishRefund(GatewayCancelResult.Done()));
        Assert.True(refused.FinishRefund(GatewayCancelResult.Refuse("NOT_CANCELABLE_PAYMENT", "No.")));
        Assert.False(cancelled.FinishRefund(GatewayCancelResult.Refuse("LATE", null)));

        Assert.Equal(RefundStatuses.Done, done.Refund!.Status);
        Assert.Null(done.Refund.FailureCode);
        Assert.Equal(RefundStatuses.Failed, failed.Refund!.Status);
        Assert.Equal("NOT_CANCELABLE_PAYMENT", failed.Refund.FailureCode);
        Assert.False(cancelled.RefundRequested || refused.RefundRequested);
        Assert.Equal(OrderPaymentStatuses.Refunded, refused.PaymentStatus);
        Assert.Equal(updatedAt, refused.UpdatedAt);
    }

    [Fact]
    public void OnlyARecordedRefundWaitsForTheProvider()
    {
        var paid = Pending();
        Pay(paid, PaymentStatuses.Paid);
        var pending = Pending();
        Pay(pending);
        pending.Cancel(Customer, Now);

        Assert.False(paid.RefundRequested);
        Assert.False(pending.RefundRequested);
        Assert.False(paid.FinishRefund(GatewayCancelResult.Done()));
        Assert.Null(paid.Payment!.Refund);
    }

    [Fact]
    public void CancellingWithAPendingPaymentCancelsThePaymentWithoutARefund()
    {
        var state = Pending();
        var payment = Pay(state);

        state.Cancel(Customer, Now);

        Assert.Equal(PaymentStatuses.Cancelled, payment.Status);
        Assert.Null(payment.Refund);
        Assert.Throws<ConflictException>(() => state.CheckConfirm(Customer, "pay_key", state.TotalAmount, Now));
    }

    [Fact]
    public void AnOrderCannotBeClosedOrTimedOutWhileItsPaymentIsBeingConfirmed()
    {
        var state = Pending();
        Pay(state);
        state.BeginConfirm(Now);

        Assert.Throws<ConflictException>(() => state.Reject(Owner, "No", Now));
        Assert.Throws<ConflictException>(() => state.Cancel(Customer, Now));
        Assert.False(state.TimeOut(Now.AddHours(1)));
        Assert.Equal(OrderStatuses.Pending, state.Status);
    }

    [Fact]
    public void AnUnexpiredPendingPaymentIsHandedOutAgainForTheSameMethod()
    {
        var state = Pending();
        var payment = Pay(state);

        Assert.Same(payment, state.ReusablePayment(Customer, "card", Now));
        Assert.Throws<ConflictException>(() => state.ReusablePayment(Customer, "transfer", Now));
        Assert.Null(state.ReusablePayment(Customer, "transfer", payment.ExpiresAt));
        Assert.Throws<ValidationException>(() => state.ReusablePayment(Customer, "cash", Now));
    }

    [Theory]
    [InlineData(OrderStatuses.Rejected)]
    [InlineData(OrderStatuses.Cancelled)]
    public void AClosedOrderCannotBePaid(string status)
    {
        Assert.Throws<ConflictException>(() => In(status).ReusablePayment(Customer, "card", Now));
    }

    [Fact]
    public void AFreeOrderHasNothingToPay()
    {
        var state = Pending();
        state.TotalAmount = 0;

        Assert.Throws<ConflictException>(() => state.ReusablePayment(Customer, "card", Now));
    }

    [Fact]
    public void APaidOrderIsNotPaidTwice()
    {
        var state = In(OrderStatuses.Accepted);
        Pay(state, PaymentStatuses.Paid);

        Assert.Throws<ConflictException>(() => state.ReusablePayment(Customer, "card", Now));
    }
}
