using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Stores;

namespace OrleansHub.Grains.Stores;

/// <summary>Limits on a store and its menu; every violation is reported, keyed by the JSON path of the field.</summary>
public static class MenuValidation
{
    public const int MaxStoreName = 100;
    public const int MaxCategories = 50;
    public const int MaxItemsPerCategory = 200;
    public const int MaxItems = 500;
    public const int MaxName = 100;
    public const int MaxDescription = 500;
    public const int MaxItemId = 64;

    /// <summary>Prices are integers in the currency's minor unit; 0 (free) is allowed.</summary>
    public const long MaxPrice = 100_000_000;

    public static void StoreName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxStoreName)
        {
            throw new ValidationException("name", $"Required, at most {MaxStoreName} characters.");
        }
    }

    public static void Menu(UpdateMenu menu)
    {
        var errors = new Dictionary<string, string[]>();
        if (menu.Categories.IsDefault || menu.Categories.Length > MaxCategories)
        {
            errors["categories"] = [$"Required, at most {MaxCategories} categories."];
        }
        else
        {
            if (menu.Categories.Sum(c => c.Items.IsDefault ? 0 : c.Items.Length) > MaxItems)
            {
                errors["categories"] = [$"At most {MaxItems} items in the whole menu."];
            }
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var c = 0; c < menu.Categories.Length; c++)
            {
                Category(errors, $"categories[{c}]", menu.Categories[c], ids);
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private static void Category(Dictionary<string, string[]> errors, string path, MenuCategoryInput category, HashSet<string> ids)
    {
        if (!IsName(category.Name))
        {
            errors[$"{path}.name"] = [$"Required, at most {MaxName} characters."];
        }
        if (category.Items.IsDefault || category.Items.Length > MaxItemsPerCategory)
        {
            errors[$"{path}.items"] = [$"Required (may be empty), at most {MaxItemsPerCategory} items."];
            return;
        }
        for (var i = 0; i < category.Items.Length; i++)
        {
            var item = category.Items[i];
            var itemPath = $"{path}.items[{i}]";
            if (item.Id is not null && (!IsItemId(item.Id) || !ids.Add(item.Id)))
            {
                errors[$"{itemPath}.id"] = [$"1 to {MaxItemId} letters, digits, '-' or '_', unique in the menu."];
            }
            if (!IsName(item.Name))
            {
                errors[$"{itemPath}.name"] = [$"Required, at most {MaxName} characters."];
            }
            if (item.Price is not (>= 0 and <= MaxPrice))
            {
                errors[$"{itemPath}.price"] = [$"Required: an integer from 0 to {MaxPrice} (minor currency units)."];
            }
            if (item.Description is { Length: > MaxDescription })
            {
                errors[$"{itemPath}.description"] = [$"At most {MaxDescription} characters."];
            }
        }
    }

    private static bool IsName(string? name) => !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= MaxName;

    private static bool IsItemId(string id) =>
        id.Length is > 0 and <= MaxItemId && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
