using OrleansHub.Api.Payments;
using OrleansHub.Api.Realtime;
using OrleansHub.Api.Stores;

namespace OrleansHub.Api.Orders;

/// <summary>Stores, orders and payments in the API (docs/orders.md): the stream read policies and the endpoints.</summary>
public static class OrdersApi
{
    /// <summary>Who may read <c>order:{id}</c> (customer or store owner) and <c>store:{id}</c> (owner).</summary>
    public static IServiceCollection AddHubOrders(this IServiceCollection services)
    {
        services.AddSingleton<IStreamAccessPolicy, OrderStreamAccessPolicy>();
        services.AddSingleton<IStreamAccessPolicy, StoreStreamAccessPolicy>();
        return services;
    }

    public static IEndpointRouteBuilder MapStoresAndOrders(this IEndpointRouteBuilder routes)
    {
        routes.MapStores();
        routes.MapOrders();
        routes.MapPayments();
        routes.MapTestGateway();
        return routes;
    }
}
