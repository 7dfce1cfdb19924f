using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OrleansHub.Api.Payments;

/// <summary>
/// The local TEST payment gateway: Toss Payments' confirm and cancel protocol (the part TossPaymentGateway speaks,
/// docs/orders.md "The gateway"), served by the silo itself under <see cref="TestGatewayServer.PathBase"/> on the
/// embedded default without a configured gateway (docs/orders.md, "The local test gateway"). It approves every
/// well-formed confirm and cancels every cancel, moves no money and keeps nothing, so a repeated call gets the same
/// answer, also after a restart. Only the silo may call it: every request needs the secret key generated at start
/// (HTTP Basic, as Toss). Every answer says <c>"test": true</c>. Mapped only when the host registered
/// <see cref="TestGatewayServer"/>; not part of the API's OpenAPI document.
/// </summary>
internal static partial class TestGatewayEndpoints
{
    // Toss' protocol is camelCase; the API's own JSON is snake_case.
    private static readonly JsonSerializerOptions TossJson = new(JsonSerializerDefaults.Web);

    /// <summary>The longest payment key and order id taken (Toss: 200 and 64).</summary>
    private const int MaxPaymentKey = 200;
    private const int MaxOrderId = 64;

    public static IEndpointRouteBuilder MapTestGateway(this IEndpointRouteBuilder routes)
    {
        if (routes.ServiceProvider.GetService<TestGatewayServer>() is null)
        {
            return routes;
        }
        var group = routes.MapGroup(TestGatewayServer.PathBase + "/v1/payments")
            .AllowAnonymous().ExcludeFromDescription().AddEndpointFilter(RequireSecretKeyAsync);
        group.MapPost("/confirm", ConfirmAsync);
        group.MapPost("/{paymentKey}/cancel", CancelAsync);
        group.MapGet("/{paymentKey}", Lookup);
        return routes;
    }

    private static async Task<Results<JsonHttpResult<TestPayment>, JsonHttpResult<TossError>>> ConfirmAsync(
        HttpRequest request, ILogger<TestGatewayServer> logger, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await ReadAsync<ConfirmBody>(request, cancellationToken);
        if (body is not { PaymentKey.Length: > 0 and <= MaxPaymentKey, OrderId.Length: > 0 and <= MaxOrderId, Amount: > 0 })
        {
            return Error(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "paymentKey, orderId and a positive amount are required.");
        }
        Approved(logger, body.OrderId, body.Amount.Value);
        return TypedResults.Json(
            new TestPayment(body.PaymentKey, body.OrderId, "DONE", body.Amount.Value, body.Amount.Value, clock.GetUtcNow(), null), TossJson);
    }

    private static async Task<Results<JsonHttpResult<TestPayment>, JsonHttpResult<TossError>>> CancelAsync(
        string paymentKey, HttpRequest request, ILogger<TestGatewayServer> logger, TimeProvider clock, CancellationToken cancellationToken)
    {
        var body = await ReadAsync<CancelBody>(request, cancellationToken);
        if (body is not { CancelReason.Length: > 0 } || paymentKey.Length > MaxPaymentKey)
        {
            return Error(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "cancelReason is required.");
        }
        Cancelled(logger, paymentKey);
        return TypedResults.Json(new TestPayment(paymentKey, null, "CANCELED", 0, 0, null, clock.GetUtcNow()), TossJson);
    }

    // Nothing is kept, so there is nothing to look up (the client asks only after ALREADY_PROCESSED_PAYMENT, which this
    // gateway never answers).
    private static JsonHttpResult<TossError> Lookup(string paymentKey) =>
        Error(StatusCodes.Status404NotFound, "NOT_FOUND_PAYMENT", "The test gateway keeps no payments.");

    private static async ValueTask<object?> RequireSecretKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var server = context.HttpContext.RequestServices.GetRequiredService<TestGatewayServer>();
        return server.Accepts(context.HttpContext.Request.Headers.Authorization.ToString())
            ? await next(context)
            : Error(StatusCodes.Status401Unauthorized, "UNAUTHORIZED_KEY", "The test gateway's secret key is required.");
    }

    private static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, TossJson, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonHttpResult<TossError> Error(int status, string code, string message) =>
        TypedResults.Json(new TossError(code, message), TossJson, statusCode: status);

    private sealed record ConfirmBody(string? PaymentKey, string? OrderId, long? Amount);

    private sealed record CancelBody(string? CancelReason);

    /// <summary>Toss' Payment object, the fields the client reads, and the test marker.</summary>
    internal sealed record TestPayment(
        string PaymentKey, string? OrderId, string Status, long TotalAmount, long BalanceAmount, DateTimeOffset? ApprovedAt, DateTimeOffset? CanceledAt)
    {
        public bool Test => true;
    }

    internal sealed record TossError(string Code, string Message)
    {
        public bool Test => true;
    }

    [LoggerMessage(1, LogLevel.Information, "TEST payment gateway approved order {OrderId} for {Amount} (no money moved)")]
    private static partial void Approved(ILogger logger, string orderId, long amount);

    [LoggerMessage(2, LogLevel.Information, "TEST payment gateway cancelled payment {PaymentKey} (no money moved)")]
    private static partial void Cancelled(ILogger logger, string paymentKey);
}

/// <summary>
/// Turns on the local test gateway's endpoints (<see cref="TestGatewayEndpoints"/>); the host registers it, with the
/// key it gave the gateway's client, only where the test gateway is active.
/// </summary>
public sealed class TestGatewayServer(string secretKey)
{
    /// <summary>Where the endpoints are; a clearly labelled path of their own.</summary>
    public const string PathBase = "/test-gateway";

    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(secretKey + ":")));

    /// <summary>True for <c>Authorization: Basic base64(secretKey + ":")</c>, compared in constant time.</summary>
    public bool Accepts(string authorization) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _expected);
}

public static class TestGatewaySetup
{
    public static IServiceCollection AddTestGatewayServer(this IServiceCollection services, string secretKey) =>
        services.AddSingleton(new TestGatewayServer(secretKey));
}
