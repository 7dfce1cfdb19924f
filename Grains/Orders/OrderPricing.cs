using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;
using OrleansHub.Grains.Interfaces.Stores;

namespace OrleansHub.Grains.Orders;

/// <summary>Prices an order from the menu alone (the client never sends a price), and fingerprints a request for idempotency.</summary>
public static class OrderPricing
{
    /// <summary>The priced lines; a 400 naming every unknown or unavailable item.</summary>
    public static ImmutableArray<OrderItemView> Price(MenuView menu, ImmutableArray<OrderLineRequest> lines)
    {
        var items = menu.ItemsById();
        var errors = new Dictionary<string, string[]>();
        var priced = ImmutableArray.CreateBuilder<OrderItemView>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!items.TryGetValue(line.MenuItemId, out var item))
            {
                errors[$"items[{i}].menu_item_id"] = [$"Unknown menu item '{line.MenuItemId}'."];
            }
            else if (!item.Available)
            {
                errors[$"items[{i}].menu_item_id"] = [$"'{item.Name}' ({item.Id}) is not available."];
            }
            else
            {
                priced.Add(new OrderItemView(item.Id, item.Name, line.Quantity, item.Price, item.Price * line.Quantity));
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        return priced.MoveToImmutable();
    }

    /// <summary>A stable hash of what was asked (not who asked, nor the key): equal requests, equal hashes.</summary>
    public static string RequestHash(CreateOrder command)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            command.StoreId,
            command.TableNumber,
            command.SpecialRequests,
            command.Items.IsDefault ? null : command.Items.Select(line => new object[] { line.MenuItemId, line.Quantity }).ToArray(),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
