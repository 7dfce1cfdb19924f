namespace OrleansHub.Grains.Interfaces.Payments;

/// <summary>
/// The payment side of an order (implemented by the order grain, same key: the order id). Changes emit
/// <c>order.payment</c> on <c>order:{id}</c> and <c>store:{storeId}</c>. Only the order's customer pays.
/// </summary>
[Alias("OrleansHub.IOrderPaymentGrain")]
public interface IOrderPaymentGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts a payment of the order's total that expires after <c>Payments:Expiry</c>. An unexpired pending
    /// payment with the same method is returned again; 409 once paid, or for a rejected or cancelled order;
    /// 503 when no payment gateway is configured.
    /// </summary>
    [Alias("InitiatePaymentAsync")]
    Task<PaymentView> InitiatePaymentAsync(string callerId, string method);

    /// <summary>
    /// Confirms the payment with the gateway. Idempotent: a paid payment answers paid again without a second
    /// charge, and a confirmation interrupted after the gateway was asked (silo restart) is finished by the
    /// next call with the same gateway idempotency key. An amount other than the order total is 409 and
    /// changes nothing; an expired payment is 409; a declined one is 409 (and failed).
    /// </summary>
    [Alias("ConfirmPaymentAsync")]
    Task<PaymentConfirmation> ConfirmPaymentAsync(string callerId, ConfirmPayment command);
}
