using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansHub.Api.Tests.Payments.Support;

/// <summary>
/// A stand-in for Toss Payments on real Kestrel at 127.0.0.1, speaking its protocol: <c>POST /v1/payments/confirm</c>
/// with <c>{paymentKey, orderId, amount}</c>, <c>POST /v1/payments/{paymentKey}/cancel</c> with <c>{cancelReason}</c>
/// (a full cancel: the refund) and <c>GET /v1/payments/{paymentKey}</c>, HTTP Basic auth with the
/// secret key as user name and an empty password (401 <c>UNAUTHORIZED_KEY</c> otherwise), errors as
/// <c>{code, message}</c>, and <c>Idempotency-Key</c>: a repeated key gets the first answer again, without a
/// second charge. A payment key is confirmable once the test <see cref="Authorize"/>s it, as the customer's
/// payment window would. Counts charges and refunds, so a test can prove nothing was charged or refunded twice.
/// </summary>
public sealed class FakeTossServer : IAsyncDisposable
{
    public const string SecretKey = "test_sk_orleanshub_0123456789";

    private readonly object _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Status, string Body)> _answers = new(StringComparer.Ordinal);
    private readonly List<ConfirmCall> _calls = [];
    private readonly List<CancelCall> _cancelCalls = [];
    private WebApplication _app = null!;
    private int _charges;
    private int _refunds;
    private bool _failCancels;
    private TaskCompletionSource? _dropNextAfterCharge;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Payments charged (each approved for the first time).</summary>
    public int Charges => Volatile.Read(ref _charges);

    /// <summary>Every confirm request received, in order.</summary>
    public IReadOnlyList<ConfirmCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Payments cancelled (each refunded for the first time).</summary>
    public int Refunds => Volatile.Read(ref _refunds);

    /// <summary>Every cancel request received, in order.</summary>
    public IReadOnlyList<CancelCall> CancelCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _cancelCalls];
            }
        }
    }

    public static async Task<FakeTossServer> StartAsync()
    {
        var server = new FakeTossServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        server._app = builder.Build();
        server._app.MapPost("/v1/payments/confirm", server.ConfirmAsync);
        server._app.MapPost("/v1/payments/{paymentKey}/cancel", server.CancelAsync);
        server._app.MapGet("/v1/payments/{paymentKey}", server.Lookup);
        await server._app.StartAsync();
        server.BaseUrl = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return server;
    }

    /// <summary>The customer finished the payment window for this key, order and amount.</summary>
    public void Authorize(string paymentKey, string orderId, long amount)
    {
        lock (_gate)
        {
            _sessions[paymentKey] = new Session(orderId, amount);
        }
    }

    /// <summary>The card company will refuse this payment.</summary>
    public void Decline(string paymentKey)
    {
        lock (_gate)
        {
            _sessions[paymentKey].Declined = true;
        }
    }

    /// <summary>While true, every cancel answers 500 <c>FAILED_INTERNAL_SYSTEM_PROCESSING</c> (no decision, nothing stored).</summary>
    public void FailCancels(bool fail)
    {
        lock (_gate)
        {
            _failCancels = fail;
        }
    }

    /// <summary>The provider will refuse to cancel this payment (403 <c>NOT_CANCELABLE_PAYMENT</c>).</summary>
    public void RefuseCancel(string paymentKey)
    {
        lock (_gate)
        {
            _sessions[paymentKey].CancelRefused = true;
        }
    }

    /// <summary>
    /// The next confirm is charged and its answer stored under its idempotency key, but the connection is cut
    /// before the answer is sent (the caller never learns the outcome). The returned task completes once charged.
    /// </summary>
    public Task DropNextAnswerAfterCharging()
    {
        var charged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _dropNextAfterCharge = charged;
        }
        return charged.Task;
    }

    private async Task ConfirmAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync(http.RequestAborted);
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        TaskCompletionSource? drop;
        (int Status, string Body) answer;
        lock (_gate)
        {
            var chargesBefore = _charges;
            _calls.Add(new ConfirmCall(http.Request.Headers.Authorization.ToString(), idempotencyKey, http.Request.ContentType, body));
            answer = !Authorized(http) ? Error(401, "UNAUTHORIZED_KEY", "The secret key is not valid.")
                : idempotencyKey.Length > 0 && _answers.TryGetValue(idempotencyKey, out var first) ? first
                : Confirm(body);
            if (idempotencyKey.Length > 0 && Authorized(http))
            {
                _answers.TryAdd(idempotencyKey, answer);
            }
            drop = _charges > chargesBefore ? Interlocked.Exchange(ref _dropNextAfterCharge, null) : null;
        }
        if (drop is not null)
        {
            drop.TrySetResult();
            http.Abort();
            return;
        }
        await WriteAsync(http, answer);
    }

    // Under _gate.
    private (int, string) Confirm(string body)
    {
        JsonNode? request;
        try
        {
            request = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Error(400, "INVALID_REQUEST", "The body is not JSON.");
        }
        var paymentKey = (string?)request?["paymentKey"];
        var orderId = (string?)request?["orderId"];
        var amount = (long?)request?["amount"];
        if (paymentKey is null || orderId is null || amount is null)
        {
            return Error(400, "INVALID_REQUEST", "paymentKey, orderId and amount are required.");
        }
        if (!_sessions.TryGetValue(paymentKey, out var session))
        {
            return Error(404, "NOT_FOUND_PAYMENT_SESSION", "No payment session for this key.");
        }
        if (session.OrderId != orderId || session.Amount != amount)
        {
            return Error(400, "INVALID_REQUEST", "The order or amount differs from the payment window's.");
        }
        if (session.Declined)
        {
            return Error(403, "REJECT_CARD_PAYMENT", "The card company refused the payment.");
        }
        if (session.ApprovedAt is not null)
        {
            return Error(400, "ALREADY_PROCESSED_PAYMENT", "The payment was already processed.");
        }
        session.ApprovedAt = DateTimeOffset.UtcNow;
        Interlocked.Increment(ref _charges);
        return (200, Payment(paymentKey, session));
    }

    private async Task CancelAsync(HttpContext http, string paymentKey)
    {
        var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync(http.RequestAborted);
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        (int Status, string Body) answer;
        lock (_gate)
        {
            _cancelCalls.Add(new CancelCall(paymentKey, idempotencyKey, body));
            if (!Authorized(http))
            {
                answer = Error(401, "UNAUTHORIZED_KEY", "The secret key is not valid.");
            }
            else if (_failCancels)
            {
                answer = Error(500, "FAILED_INTERNAL_SYSTEM_PROCESSING", "Internal error; try again.");
            }
            else
            {
                answer = idempotencyKey.Length > 0 && _answers.TryGetValue(idempotencyKey, out var first) ? first : Cancel(paymentKey, body);
                if (idempotencyKey.Length > 0)
                {
                    _answers.TryAdd(idempotencyKey, answer);
                }
            }
        }
        await WriteAsync(http, answer);
    }

    // Under _gate.
    private (int, string) Cancel(string paymentKey, string body)
    {
        string? reason;
        try
        {
            reason = (string?)JsonNode.Parse(body)?["cancelReason"];
        }
        catch (JsonException)
        {
            return Error(400, "INVALID_REQUEST", "The body is not JSON.");
        }
        if (string.IsNullOrEmpty(reason) || reason.Length > 200)
        {
            return Error(400, "INVALID_REQUEST", "cancelReason is required (at most 200 characters).");
        }
        if (!_sessions.TryGetValue(paymentKey, out var session))
        {
            return Error(404, "NOT_FOUND_PAYMENT", "No such payment.");
        }
        if (session.CancelledAt is not null)
        {
            return Error(400, "ALREADY_CANCELED_PAYMENT", "The payment was already cancelled.");
        }
        if (session.ApprovedAt is null || session.CancelRefused)
        {
            return Error(403, "NOT_CANCELABLE_PAYMENT", "The payment cannot be cancelled.");
        }
        session.CancelledAt = DateTimeOffset.UtcNow;
        session.CancelReason = reason;
        Interlocked.Increment(ref _refunds);
        return (200, Payment(paymentKey, session));
    }

    private Task Lookup(HttpContext http, string paymentKey)
    {
        (int, string) answer;
        lock (_gate)
        {
            answer = !Authorized(http) ? Error(401, "UNAUTHORIZED_KEY", "The secret key is not valid.")
                : _sessions.TryGetValue(paymentKey, out var session) ? (200, Payment(paymentKey, session))
                : Error(404, "NOT_FOUND_PAYMENT", "No such payment.");
        }
        return WriteAsync(http, answer);
    }

    private static bool Authorized(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretKey + ":"));

    private static string Payment(string paymentKey, Session session) => new JsonObject
    {
        ["mId"] = "tosspayments",
        ["version"] = "2022-11-16",
        ["paymentKey"] = paymentKey,
        ["orderId"] = session.OrderId,
        ["status"] = session.CancelledAt is not null ? "CANCELED" : session.ApprovedAt is null ? "READY" : "DONE",
        ["totalAmount"] = session.Amount,
        ["balanceAmount"] = session.CancelledAt is null ? session.Amount : 0,
        ["method"] = "카드",
        ["requestedAt"] = session.RequestedAt.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
        ["approvedAt"] = session.ApprovedAt?.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
        ["cancels"] = session.CancelledAt is not { } cancelledAt ? null : new JsonArray(new JsonObject
        {
            ["cancelAmount"] = session.Amount,
            ["cancelReason"] = session.CancelReason,
            ["canceledAt"] = cancelledAt.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
        }),
    }.ToJsonString();

    private static (int, string) Error(int status, string code, string message) =>
        (status, new JsonObject { ["code"] = code, ["message"] = message }.ToJsonString());

    private static async Task WriteAsync(HttpContext http, (int Status, string Body) answer)
    {
        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer.Body, http.RequestAborted);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class Session(string orderId, long amount)
    {
        public string OrderId { get; } = orderId;
        public long Amount { get; } = amount;
        public DateTimeOffset RequestedAt { get; } = DateTimeOffset.UtcNow;
        public DateTimeOffset? ApprovedAt { get; set; }
        public bool Declined { get; set; }
        public bool CancelRefused { get; set; }
        public DateTimeOffset? CancelledAt { get; set; }
        public string? CancelReason { get; set; }
    }
}

/// <summary>A confirm request as the fake received it.</summary>
public sealed record ConfirmCall(string Authorization, string IdempotencyKey, string? ContentType, string Body);

/// <summary>A cancel request as the fake received it.</summary>
public sealed record CancelCall(string PaymentKey, string IdempotencyKey, string Body);

