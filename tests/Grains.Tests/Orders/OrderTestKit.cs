using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Payments;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Orders;
using OrleansHub.Grains.Payments;

namespace OrleansHub.Grains.Tests.Orders;

/// <summary>Orders in any status, built through the state's own rules, for the pure state tests.</summary>
internal static class OrderTestKit
{
    public const string Owner = "owner-1";
    public const string Customer = "customer-1";
    public const string Stranger = "stranger-1";

    public static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    public static readonly MenuView Menu = new("store-1", "Cafe", [
        new MenuCategoryView("Drinks", [
            new MenuItemView("latte", "Latte", 4_500, null, true),
            new MenuItemView("tea", "Tea", 3_000, "Green", true),
            new MenuItemView("soldout", "Seasonal", 6_000, null, false),
        ]),
    ], Now);

    public static CreateOrder Command(params (string Item, int Quantity)[] lines) => new(
        Customer, "store-1", "7", [.. lines.Select(l => new OrderLineRequest(l.Item, l.Quantity))], null, null);

    /// <summary>A pending order for 2 lattes and 1 tea (total 12,000).</summary>
    public static OrderState Pending()
    {
        var command = Command(("latte", 2), ("tea", 1));
        var state = new OrderState();
        state.Create("order-1", command, OrderPricing.RequestHash(command), Owner, OrderPricing.Price(Menu, command.Items), 1, Now);
        return state;
    }

    /// <summary>An order moved to <paramref name="status"/> along the allowed path.</summary>
    public static OrderState In(string status)
    {
        var state = Pending();
        var later = Now.AddMinutes(1);
        switch (status)
        {
            case OrderStatuses.Accepted:
                state.Accept(Owner, 10, later);
                break;
            case OrderStatuses.Ready:
                state.Accept(Owner, 10, later);
                state.MarkReady(Owner, later);
                break;
            case OrderStatuses.Completed:
                state.Accept(Owner, 10, later);
                state.MarkReady(Owner, later);
                state.Complete(Owner, later);
                break;
            case OrderStatuses.Rejected:
                state.Reject(Owner, "Closed", later);
                break;
            case OrderStatuses.Cancelled:
                state.Cancel(Customer, later);
                break;
        }
        return state;
    }

    /// <summary>Gives the order a pending payment of its total, expiring 10 minutes after <see cref="Now"/>.</summary>
    public static PaymentRecord Pay(OrderState state, string status = PaymentStatuses.Pending)
    {
        var payment = new PaymentRecord
        {
            Id = "payment-1",
            Key = "pay_key",
            Amount = state.TotalAmount,
            Method = "card",
            Status = status,
            CreatedAt = Now,
            ExpiresAt = Now.AddMinutes(10),
        };
        state.StartPayment(payment);
        return payment;
    }

    /// <summary>The state as stored (JSON), to show that a refused command changed nothing.</summary>
    public static string Snapshot(OrderState state) => System.Text.Json.JsonSerializer.Serialize(state);

    public static ImmutableArray<string> Statuses => OrderStatuses.All;
}
