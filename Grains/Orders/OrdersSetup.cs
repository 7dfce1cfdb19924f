using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Payments;
using OrleansHub.Grains.Stores;

namespace OrleansHub.Grains.Orders;

/// <summary>Services the store and order grains need: options (validated at start), the order number counter and the payment gateway; and their lists.</summary>
public static class OrdersSetup
{
    /// <summary>Nothing here is required configuration: with no Payments:Gateway the silo starts and payments answer 503.</summary>
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PaymentOptions>, PaymentOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OrderNumbers>();
        services.TryAddSingleton<IOrderDirectory, OrderDirectory>();
        services.TryAddSingleton<IStoreDirectory, StoreDirectory>();
        services.AddHttpClient(TossPaymentGateway.ClientName);
        services.TryAddSingleton<IPaymentGateway, TossPaymentGateway>();
        return services;
    }
}
