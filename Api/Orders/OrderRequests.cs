using System.Globalization;
using System.Text.Json;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;

namespace OrleansHub.Api.Orders;

/// <summary>
/// A new order. Only ids and quantities are read: a price, unit price or total in the body is ignored, since
/// prices always come from the menu. <c>table_number</c> may be a string or a number; it is kept as a string.
/// </summary>
public sealed record CreateOrderRequest(string? StoreId, JsonElement? TableNumber, OrderLineRequestBody[]? Items, string? SpecialRequests)
{
    public CreateOrder ToCommand(string customerId, string? idempotencyKey) => new(
        customerId,
        StoreId ?? "",
        Table(TableNumber),
        Items is null ? default : [.. Items.Select(line => new OrderLineRequest(line.MenuItemId ?? "", line.Quantity ?? 0))],
        string.IsNullOrWhiteSpace(SpecialRequests) ? null : SpecialRequests.Trim(),
        idempotencyKey);

    private static string? Table(JsonElement? value)
    {
        var text = value?.ValueKind switch
        {
            null or JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => value.Value.GetString(),
            JsonValueKind.Number when value.Value.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => throw new ValidationException("table_number", "A string or a whole number."),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}

public sealed record OrderLineRequestBody(string? MenuItemId, int? Quantity);

public sealed record AcceptOrderRequest(int? EstimatedMinutes);

public sealed record RejectOrderRequest(string? Reason);
