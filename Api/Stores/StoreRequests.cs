using OrleansHub.Grains.Interfaces.Stores;

namespace OrleansHub.Api.Stores;

public sealed record CreateStoreRequest(string? Name);

/// <summary>The whole menu; it replaces the current one. Prices are integers in minor currency units.</summary>
public sealed record UpdateMenuRequest(MenuCategoryRequest[]? Categories)
{
    public UpdateMenu ToCommand() => new(Categories is null ? default : [.. Categories.Select(category => category.ToInput())]);
}

public sealed record MenuCategoryRequest(string? Name, MenuItemRequest[]? Items)
{
    public MenuCategoryInput ToInput() => new(Name, Items is null ? default : [.. Items.Select(item => item.ToInput())]);
}

/// <summary>An item; send <c>id</c> to keep an existing item's id, leave it out for a new item. <c>available</c> defaults to true.</summary>
public sealed record MenuItemRequest(string? Id, string? Name, long? Price, string? Description, bool? Available)
{
    public MenuItemInput ToInput() => new(Id, Name, Price, Description, Available);
}

