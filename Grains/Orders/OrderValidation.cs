using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Orders;

namespace OrleansHub.Grains.Orders;

/// <summary>Limits on what an order may say (everything but prices, which come from the menu); all violations are reported together.</summary>
public static class OrderValidation
{
    public const int MaxLines = 50;
    public const int MinQuantity = 1;
    public const int MaxQuantity = 99;
    public const int MaxTableNumber = 20;
    public const int MaxSpecialRequests = 500;
    public const int MaxMenuItemId = 64;
    public const int MinEstimatedMinutes = 1;
    public const int MaxEstimatedMinutes = 240;
    public const int MaxReason = 500;

    public static void Validate(CreateOrder command)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(command.StoreId))
        {
            errors["store_id"] = ["Required: the id of a store."];
        }
        if (command.Items.IsDefault || command.Items.Length is 0 or > MaxLines)
        {
            errors["items"] = [$"Required: 1 to {MaxLines} lines."];
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < command.Items.Length; i++)
            {
                var line = command.Items[i];
                if (string.IsNullOrEmpty(line.MenuItemId) || line.MenuItemId.Length > MaxMenuItemId)
                {
                    errors[$"items[{i}].menu_item_id"] = ["Required: the id of an item on the store's menu."];
                }
                else if (!seen.Add(line.MenuItemId))
                {
                    errors[$"items[{i}].menu_item_id"] = [$"'{line.MenuItemId}' appears more than once; order it once with a larger quantity."];
                }
                if (line.Quantity is < MinQuantity or > MaxQuantity)
                {
                    errors[$"items[{i}].quantity"] = [$"An integer from {MinQuantity} to {MaxQuantity}."];
                }
            }
        }
        if (command.TableNumber is { Length: > MaxTableNumber })
        {
            errors["table_number"] = [$"At most {MaxTableNumber} characters."];
        }
        if (command.SpecialRequests is { Length: > MaxSpecialRequests })
        {
            errors["special_requests"] = [$"At most {MaxSpecialRequests} characters."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    public static void EstimatedMinutes(int minutes)
    {
        if (minutes is < MinEstimatedMinutes or > MaxEstimatedMinutes)
        {
            throw new ValidationException("estimated_minutes", $"Required: an integer from {MinEstimatedMinutes} to {MaxEstimatedMinutes}.");
        }
    }

    public static void Reason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReason)
        {
            throw new ValidationException("reason", $"Required, at most {MaxReason} characters.");
        }
    }
}
