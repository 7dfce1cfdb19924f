using System.Collections.Immutable;

namespace OrleansHub.Grains.Interfaces.Stores;

/// <summary>A store as listed (docs/api.md: <c>{id, name, owner_id, created_at}</c>).</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.StoreView")]
public sealed record StoreView([property: Id(0)] string Id, [property: Id(1)] string Name, [property: Id(2)] string OwnerId, [property: Id(3)] DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("OrleansHub.CreateStore")]
public sealed record CreateStore([property: Id(0)] string OwnerId, [property: Id(1)] string Name);

/// <summary>A store's menu as everyone reads it. Prices are integers in the currency's minor unit (e.g. KRW).</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.MenuView")]
public sealed record MenuView([property: Id(0)] string StoreId, [property: Id(1)] string StoreName, [property: Id(2)] ImmutableArray<MenuCategoryView> Categories, [property: Id(3)] DateTimeOffset UpdatedAt)
{
    /// <summary>Every item of every category, by id.</summary>
    public ImmutableDictionary<string, MenuItemView> ItemsById() =>
        Categories.SelectMany(category => category.Items).ToImmutableDictionary(item => item.Id, StringComparer.Ordinal);
}

[GenerateSerializer, Immutable, Alias("OrleansHub.MenuCategoryView")]
public sealed record MenuCategoryView([property: Id(0)] string Name, [property: Id(1)] ImmutableArray<MenuItemView> Items);

[GenerateSerializer, Immutable, Alias("OrleansHub.MenuItemView")]
public sealed record MenuItemView([property: Id(0)] string Id, [property: Id(1)] string Name, [property: Id(2)] long Price, [property: Id(3)] string? Description, [property: Id(4)] bool Available);

/// <summary>A whole new menu (PUT replaces it). Items without an id get one; items with one keep it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.UpdateMenu")]
public sealed record UpdateMenu([property: Id(0)] ImmutableArray<MenuCategoryInput> Categories);

[GenerateSerializer, Immutable, Alias("OrleansHub.MenuCategoryInput")]
public sealed record MenuCategoryInput([property: Id(0)] string? Name, [property: Id(1)] ImmutableArray<MenuItemInput> Items);

/// <summary><c>Available</c> defaults to true; <c>Price</c> is required.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.MenuItemInput")]
public sealed record MenuItemInput([property: Id(0)] string? Id, [property: Id(1)] string? Name, [property: Id(2)] long? Price, [property: Id(3)] string? Description, [property: Id(4)] bool? Available);
