using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Stores;

/// <summary>
/// docs/api.md "Stores, orders and payments": stores, their menus (readable anonymously) and the owner's order
/// list; plus <c>GET /api/v1/stores</c>, the caller's own stores (docs/orders.md).
/// </summary>
internal static class StoreEndpoints
{
    public static RouteGroupBuilder MapStores(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/stores").WithTags("Stores")
            .RequireAuthorization().RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapPost("/", CreateAsync).WithName("CreateStore").WithSummary("Create a store owned by the caller")
            .RequireAuthorization(AuthPolicies.Writer).ProducesValidationProblem();
        group.MapGet("/", ListAsync).WithName("ListStores").WithSummary("The stores the caller owns");
        group.MapGet("/{id}/menu", GetMenuAsync).WithName("GetMenu").WithSummary("A store's menu (no credentials needed)")
            .AllowAnonymous().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id}/menu", UpdateMenuAsync).WithName("UpdateMenu").WithSummary("Replace a store's menu (owner)")
            .RequireAuthorization(AuthPolicies.Writer).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/orders", ListOrdersAsync).WithName("ListStoreOrders").WithSummary("A store's orders, by status (owner)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static IStoreGrain Store(IGrainFactory grains, string id) =>
        Ids.IsPlausible(id) ? grains.GetGrain<IStoreGrain>(id) : throw new NotFoundException("Store not found.");

    private static async Task<Created<StoreView>> CreateAsync(CreateStoreRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        var id = Ids.New();
        var view = await grains.GetGrain<IStoreGrain>(id).CallAsNewAsync(g => g.CreateAsync(new CreateStore(caller.UserId(), body.Name ?? "")));
        return TypedResults.Created($"/api/v1/stores/{id}/menu", view);
    }

    private static async Task<Ok<Page<StoreView>>> ListAsync(
        ClaimsPrincipal caller, [FromServices] IGrainFactory grains, [FromServices] IStoreDirectory directory,
        int? limit, int? offset, CancellationToken cancellationToken)
    {
        var page = PageQuery.From(limit, offset);
        var ids = await directory.ListOwnedAsync(caller.UserId(), page.ToRange(), cancellationToken);
        var stores = await Task.WhenAll(ids.Items.Select(id => grains.GetGrain<IStoreGrain>(id).FindAsync()));
        return TypedResults.Ok(Page<StoreView>.From([.. stores.OfType<StoreView>()], page, ids.Total));
    }

    private static async Task<Ok<MenuView>> GetMenuAsync(string id, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Store(grains, id).GetMenuAsync());

    private static async Task<Ok<MenuView>> UpdateMenuAsync(
        string id, UpdateMenuRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Store(grains, id).UpdateMenuAsync(caller.UserId(), body.ToCommand()));

    /// <summary>The owner's list; anyone else (the store is public, its orders are not) gets 404.</summary>
    private static async Task<Ok<Page<OrderView>>> ListOrdersAsync(
        string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains, [FromServices] IOrderDirectory orders,
        string? status, string? sort, int? limit, int? offset, CancellationToken cancellationToken)
    {
        var callerId = caller.UserId();
        if ((await Store(grains, id).FindAsync())?.OwnerId != callerId)
        {
            throw new NotFoundException("Store not found.");
        }
        var page = PageQuery.From(limit, offset);
        var ids = await orders.ListByStoreAsync(id, new OrderListFilter(status, sort), page.ToRange(), cancellationToken);
        var views = await Task.WhenAll(ids.Items.Select(orderId => grains.GetGrain<IOrderGrain>(orderId).GetAsync(callerId)));
        return TypedResults.Ok(Page<OrderView>.From(views, page, ids.Total));
    }
}
