using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Orders;

/// <summary>
/// docs/api.md "Stores, orders and payments": placing orders (idempotent with <c>Idempotency-Key</c>), reading them,
/// and the status machine; plus <c>GET /api/v1/orders</c>, the caller's own orders (docs/orders.md). Who may do
/// what is decided by the order grain: a stranger gets 404, the wrong party 403, a wrong status 409.
/// </summary>
internal static class OrderEndpoints
{
    private const string RefundDescription =
        "A paid order's refund of the whole amount is recorded (payment_status refunded) and the payment provider is "
        + "asked to cancel the charge, once inline and then by a durable retry until it answers. The order.payment "
        + "events say how far it got: refund.status requested, done, or failed (with refund.failure_code).";

    public static RouteGroupBuilder MapOrders(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/orders").WithTags("Orders")
            .RequireAuthorization().RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapPost("/", CreateAsync).WithName("CreateOrder")
            .WithSummary("Place an order; the same Idempotency-Key and body return the same order")
            .RequireAuthorization(AuthPolicies.Writer).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListAsync).WithName("ListOrders").WithSummary("The caller's own orders (as customer)").ProducesValidationProblem();
        group.MapGet("/{id}", GetAsync).WithName("GetOrder").WithSummary("An order (its customer or its store's owner)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        MapTransition(group.MapPost("/{id}/accept", AcceptAsync).WithName("AcceptOrder").WithSummary("pending → accepted, with an estimated ready time (owner)")
            .ProducesValidationProblem());
        MapTransition(group.MapPost("/{id}/reject", RejectAsync).WithName("RejectOrder").WithSummary("pending → rejected; a paid order is refunded (owner)")
            .WithDescription(RefundDescription).ProducesValidationProblem());
        MapTransition(group.MapPost("/{id}/ready", ReadyAsync).WithName("MarkOrderReady").WithSummary("accepted → ready (owner)"));
        MapTransition(group.MapPost("/{id}/complete", CompleteAsync).WithName("CompleteOrder").WithSummary("ready → completed (owner)"));
        MapTransition(group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelOrder").WithSummary("pending → cancelled; a paid order is refunded (customer)")
            .WithDescription(RefundDescription));
        return group;
    }

    private static void MapTransition(RouteHandlerBuilder endpoint) =>
        endpoint.RequireAuthorization(AuthPolicies.Writer)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

    internal static IOrderGrain Order(IGrainFactory grains, string id) =>
        Ids.IsPlausible(id) ? grains.GetGrain<IOrderGrain>(id) : throw new NotFoundException("Order not found.");

    private static async Task<Created<OrderView>> CreateAsync(
        CreateOrderRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains,
        [FromHeader(Name = OrderIds.IdempotencyHeader)] string? idempotencyKey)
    {
        var customerId = caller.UserId();
        var key = OrderIds.ValidKey(idempotencyKey);
        if (!Ids.IsPlausible(body.StoreId))
        {
            throw new ValidationException("store_id", "Required: the id of a store.");
        }
        // With a key the order may exist already (a retry), so its state is read; a minted id cannot have any.
        var id = key is null ? OrderIds.New() : OrderIds.ForIdempotencyKey(customerId, key);
        var order = grains.GetGrain<IOrderGrain>(id);
        var command = body.ToCommand(customerId, key);
        var view = key is null ? await order.CallAsNewAsync(g => g.CreateAsync(command)) : await order.CreateAsync(command);
        return TypedResults.Created($"/api/v1/orders/{id}", view);
    }

    private static async Task<Ok<Page<OrderView>>> ListAsync(
        ClaimsPrincipal caller, [FromServices] IGrainFactory grains, [FromServices] IOrderDirectory orders,
        string? status, string? sort, int? limit, int? offset, CancellationToken cancellationToken)
    {
        var callerId = caller.UserId();
        var page = PageQuery.From(limit, offset);
        var ids = await orders.ListByCustomerAsync(callerId, new OrderListFilter(status, sort), page.ToRange(), cancellationToken);
        var views = await Task.WhenAll(ids.Items.Select(id => grains.GetGrain<IOrderGrain>(id).GetAsync(callerId)));
        return TypedResults.Ok(Page<OrderView>.From(views, page, ids.Total));
    }

    private static async Task<Ok<OrderView>> GetAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Order(grains, id).GetAsync(caller.UserId()));

    private static async Task<Ok<OrderView>> AcceptAsync(string id, AcceptOrderRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Order(grains, id).AcceptAsync(caller.UserId(), body.EstimatedMinutes ?? 0));

    private static async Task<Ok<OrderView>> RejectAsync(string id, RejectOrderRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Order(grains, id).RejectAsync(caller.UserId(), body.Reason ?? ""));

    private static async Task<Ok<OrderView>> ReadyAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Order(grains, id).MarkReadyAsync(caller.UserId()));

    private static async Task<Ok<OrderView>> CompleteAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Order(grains, id).CompleteAsync(caller.UserId()));

    private static async Task<Ok<OrderView>> CancelAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Order(grains, id).CancelAsync(caller.UserId()));
}
