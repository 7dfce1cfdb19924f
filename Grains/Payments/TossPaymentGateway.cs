using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansHub.Grains.Payments;

/// <summary>
/// Speaks Toss Payments' confirm and cancel protocol against <c>Payments:Gateway:BaseUrl</c>:
/// <c>POST /v1/payments/confirm</c> with <c>{paymentKey, orderId, amount}</c>, HTTP Basic auth with the secret
/// key as user name and an empty password, and an <c>Idempotency-Key</c> header (the provider answers a repeated
/// key with the first answer). A <c>DONE</c> payment is approved; a 4xx with <c>{code, message}</c> is a decline,
/// except <c>ALREADY_PROCESSED_PAYMENT</c>, which is checked with <c>GET /v1/payments/{paymentKey}</c>; no answer,
/// 401 (our key), 409, 429 and 5xx leave the outcome unknown. A refund is <c>POST /v1/payments/{paymentKey}/cancel</c>
/// with <c>{cancelReason}</c> and its own <c>Idempotency-Key</c>: a <c>CANCELED</c> payment (or
/// <c>ALREADY_CANCELED_PAYMENT</c>) is done, another 4xx a refusal, the rest unknown as for confirm.
/// </summary>
public sealed partial class TossPaymentGateway(
    IHttpClientFactory clients, IOptions<PaymentOptions> options, ILogger<TossPaymentGateway> logger) : IPaymentGateway
{
    public const string ClientName = "payments.toss";
    public const string DoneStatus = "DONE";
    public const string AlreadyProcessed = "ALREADY_PROCESSED_PAYMENT";
    public const string CanceledStatus = "CANCELED";
    public const string AlreadyCanceled = "ALREADY_CANCELED_PAYMENT";

    /// <summary>The longest <c>cancelReason</c> the provider takes.</summary>
    public const int MaxCancelReason = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private PaymentGatewayOptions Settings => options.Value.Gateway;

    public bool IsConfigured => Settings.IsConfigured;

    public bool IsTest => false;

    public async Task<GatewayResult> ConfirmAsync(GatewayConfirmRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Url("v1/payments/confirm"))
        {
            Content = JsonContent.Create(new TossConfirmBody(request.PaymentKey, request.OrderId, request.Amount), options: Json),
        };
        message.Headers.Add("Idempotency-Key", request.IdempotencyKey);
        var (status, body) = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            return Decide(Read<TossPayment>(body), request);
        }
        var error = ReadError(body);
        if (error.Code == AlreadyProcessed)
        {
            // Confirmed before under another idempotency key (or after the provider forgot ours): look it up.
            using var lookup = new HttpRequestMessage(HttpMethod.Get, Url($"v1/payments/{Uri.EscapeDataString(request.PaymentKey)}"));
            var (lookupStatus, payment) = await SendAsync(lookup, cancellationToken).ConfigureAwait(false);
            if (lookupStatus == HttpStatusCode.OK && Read<TossPayment>(payment) is { Status: DoneStatus } done
                && done.OrderId == request.OrderId && done.TotalAmount == request.Amount)
            {
                return GatewayResult.Approve(done.ApprovedAt, done.Method);
            }
            return Decline(request, error);
        }
        if ((int)status is >= 400 and < 500 and not (401 or 409 or 429))
        {
            return Decline(request, error);
        }
        Undecided(logger, request.OrderId, (int)status, error.Code);
        throw new PaymentGatewayUnavailableException($"The payment gateway answered {(int)status} ({error.Code}).");
    }

    public async Task<GatewayCancelResult> CancelAsync(GatewayCancelRequest request, CancellationToken cancellationToken)
    {
        var reason = request.Reason.Length <= MaxCancelReason ? request.Reason
            : request.Reason[..(char.IsHighSurrogate(request.Reason[MaxCancelReason - 1]) ? MaxCancelReason - 1 : MaxCancelReason)];
        using var message = new HttpRequestMessage(HttpMethod.Post, Url($"v1/payments/{Uri.EscapeDataString(request.PaymentKey)}/cancel"))
        {
            Content = JsonContent.Create(new TossCancelBody(reason), options: Json),
        };
        message.Headers.Add("Idempotency-Key", request.IdempotencyKey);
        var (status, body) = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            return Read<TossPayment>(body) switch
            {
                null => throw new PaymentGatewayUnavailableException("The payment gateway's answer could not be read."),
                { Status: CanceledStatus } => GatewayCancelResult.Done(),
                var payment => Refuse(request, new TossError(payment.Status ?? "UNKNOWN_STATUS", "The payment is not cancelled.")),
            };
        }
        var error = ReadError(body);
        if (error.Code == AlreadyCanceled)
        {
            return GatewayCancelResult.Done();
        }
        if ((int)status is >= 400 and < 500 and not (401 or 409 or 429))
        {
            return Refuse(request, error);
        }
        CancelUndecided(logger, request.IdempotencyKey, (int)status, error.Code);
        throw new PaymentGatewayUnavailableException($"The payment gateway answered {(int)status} ({error.Code}).");
    }

    private GatewayCancelResult Refuse(GatewayCancelRequest request, TossError error)
    {
        CancelRefused(logger, request.IdempotencyKey, error.Code, error.Message ?? "");
        return GatewayCancelResult.Refuse(error.Code, error.Message);
    }

    private GatewayResult Decide(TossPayment? payment, GatewayConfirmRequest request) => payment switch
    {
        null => throw new PaymentGatewayUnavailableException("The payment gateway's answer could not be read."),
        { Status: DoneStatus } => GatewayResult.Approve(payment.ApprovedAt, payment.Method),
        _ => Decline(request, new TossError(payment.Status ?? "UNKNOWN_STATUS", "The payment is not done.")),
    };

    private GatewayResult Decline(GatewayConfirmRequest request, TossError error)
    {
        Declined(logger, request.OrderId, error.Code);
        return GatewayResult.Decline(error.Code, error.Message);
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        message.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes((Settings.SecretKey ?? "") + ":")));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.Timeout);
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.SendAsync(message, timeout.Token).ConfigureAwait(false);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            Unreachable(logger, message.RequestUri?.AbsolutePath ?? "", exception.GetType().Name);
            throw new PaymentGatewayUnavailableException("The payment gateway did not answer.", exception);
        }
    }

    private Uri Url(string relative)
    {
        var root = Settings.BaseUrl ?? throw new PaymentGatewayUnavailableException("No payment gateway is configured.");
        return new Uri(new Uri(root.TrimEnd('/') + "/"), relative);
    }

    private static T? Read<T>(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static TossError ReadError(string body) =>
        Read<TossError>(body) is { Code: not null } error ? error : new TossError("UNKNOWN_ERROR", null);

    private sealed record TossConfirmBody(string PaymentKey, string OrderId, long Amount);

    private sealed record TossCancelBody(string CancelReason);

    /// <summary>The fields of Toss' Payment object that matter here.</summary>
    private sealed record TossPayment(string? PaymentKey, string? OrderId, string? Status, long TotalAmount, string? Method, DateTimeOffset? ApprovedAt);

    private sealed record TossError(string Code, string? Message);

    [LoggerMessage(1, LogLevel.Information, "Payment gateway declined order {OrderId} ({Code})")]
    private static partial void Declined(ILogger logger, string orderId, string code);

    [LoggerMessage(2, LogLevel.Warning, "Payment gateway left order {OrderId} undecided: HTTP {Status} ({Code})")]
    private static partial void Undecided(ILogger logger, string orderId, int status, string code);

    [LoggerMessage(3, LogLevel.Warning, "Payment gateway unreachable at {Path} ({ExceptionType})")]
    private static partial void Unreachable(ILogger logger, string path, string exceptionType);

    [LoggerMessage(4, LogLevel.Error, "Payment gateway refused refund {IdempotencyKey} ({Code}: {Message}); the refund needs an operator")]
    private static partial void CancelRefused(ILogger logger, string idempotencyKey, string code, string message);

    [LoggerMessage(5, LogLevel.Warning, "Payment gateway left refund {IdempotencyKey} undecided: HTTP {Status} ({Code}); the payment reminder asks again")]
    private static partial void CancelUndecided(ILogger logger, string idempotencyKey, int status, string code);
}
