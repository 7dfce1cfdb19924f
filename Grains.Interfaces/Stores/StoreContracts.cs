using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Stores;

/// <summary>A store as listed (API.md: <c>{id, name, owner_id, created_at}</c>).</summary>
public sealed record StoreView(string Id, string Name, string OwnerId, DateTimeOffset CreatedAt);

public sealed record CreateStore(string OwnerId, string Name);

/// <summary>A store's menu as everyone reads it. Prices are integers in the currency's minor unit (e.g. KRW).</summary>
public sealed record MenuView(string StoreId, string StoreName, ImmutableArray<MenuCategoryView> Categories, DateTimeOffset UpdatedAt)
{
    /// <summary>Every item of every category, by id.</summary>
    public ImmutableDictionary<string, MenuItemView> ItemsById() =>
        Categories.SelectMany(category => category.Items).ToImmutableDictionary(item => item.Id, StringComparer.Ordinal);
}

public sealed record MenuCategoryView(string Name, ImmutableArray<MenuItemView> Items);

public sealed record MenuItemView(string Id, string Name, long Price, string? Description, bool Available);

/// <summary>A whole new menu (PUT replaces it). Items without an id get one; items with one keep it.</summary>
public sealed record UpdateMenu(ImmutableArray<MenuCategoryInput> Categories);

public sealed record MenuCategoryInput(string? Name, ImmutableArray<MenuItemInput> Items);

/// <summary><c>Available</c> defaults to true; <c>Price</c> is required.</summary>
public sealed record MenuItemInput(string? Id, string? Name, long? Price, string? Description, bool? Available);
