namespace OrleansHub.Api.Payments;

/// <summary><c>method</c>: card, transfer, easy_pay or mobile_phone.</summary>
public sealed record InitiatePaymentRequest(string? Method);

/// <summary>What the customer's client got back from the payment window: the key, the order and the amount it agreed to.</summary>
public sealed record ConfirmPaymentRequest(string? PaymentKey, string? OrderId, long? Amount);
