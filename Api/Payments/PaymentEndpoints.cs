using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Payments;

namespace OrleansHub.Api.Payments;

/// <summary>
/// docs/api.md payments: the customer initiates a payment of the order total, then confirms it after the payment
/// window; the order grain asks the gateway (docs/orders.md, "Payments"). Without a gateway both answer 503, except on
/// the embedded default, which pays through its local test gateway (TestGatewayEndpoints.cs).
/// </summary>
internal static class PaymentEndpoints
{
    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/orders/{id}/payments", InitiateAsync).WithTags("Payments").WithName("InitiatePayment")
            .WithSummary("Start a payment of the order total (customer)")
            .RequireAuthorization(AuthPolicies.Writer).RequireRateLimiting(RateLimitPolicies.PerCaller)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        routes.MapPost("/api/v1/payments/confirm", ConfirmAsync).WithTags("Payments").WithName("ConfirmPayment")
            .WithSummary("Confirm a payment with the provider; repeating it is idempotent (customer)")
            .RequireAuthorization(AuthPolicies.Writer).RequireRateLimiting(RateLimitPolicies.PerCaller)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    private static async Task<Created<PaymentView>> InitiateAsync(
        string id, InitiatePaymentRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        var payments = Ids.IsPlausible(id) ? grains.GetGrain<IOrderPaymentGrain>(id) : throw new NotFoundException("Order not found.");
        var view = await payments.InitiatePaymentAsync(caller.UserId(), body.Method?.Trim().ToLowerInvariant() ?? "");
        return TypedResults.Created($"/api/v1/orders/{id}", view);
    }

    private static async Task<Ok<PaymentConfirmation>> ConfirmAsync(
        ConfirmPaymentRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(body.PaymentKey))
        {
            errors["payment_key"] = ["Required: the payment_key from initiating the payment."];
        }
        if (body.Amount is null)
        {
            errors["amount"] = ["Required: the amount paid, in minor currency units."];
        }
        if (string.IsNullOrEmpty(body.OrderId))
        {
            errors["order_id"] = ["Required."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        if (!Ids.IsPlausible(body.OrderId))
        {
            throw new NotFoundException("Order not found.");
        }
        return TypedResults.Ok(await grains.GetGrain<IOrderPaymentGrain>(body.OrderId!)
            .ConfirmPaymentAsync(caller.UserId(), new ConfirmPayment(body.PaymentKey!, body.Amount!.Value)));
    }
}
