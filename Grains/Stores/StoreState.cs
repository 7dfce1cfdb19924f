using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Stores;

namespace OrleansHub.Grains.Stores;

/// <summary>A store's stored state and its rules (pure; the grain loads, applies, writes).</summary>
public sealed class StoreState
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public List<MenuCategoryView> Categories { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool Exists => CreatedAt != default;

    public void Create(string id, CreateStore command, DateTimeOffset now)
    {
        if (Exists)
        {
            throw new ConflictException("A store with this id already exists.");
        }
        MenuValidation.StoreName(command.Name);
        Id = id;
        Name = command.Name.Trim();
        OwnerId = command.OwnerId;
        CreatedAt = UpdatedAt = now;
    }

    /// <summary>Replaces the menu. Items keep the id they were sent with; new ones get <paramref name="newId"/>().</summary>
    public void ReplaceMenu(string callerId, UpdateMenu menu, Func<string> newId, DateTimeOffset now)
    {
        RequireExists();
        if (callerId != OwnerId)
        {
            throw new ForbiddenException("Only the store's owner changes its menu.");
        }
        MenuValidation.Menu(menu);
        Categories =
        [
            .. menu.Categories.Select(category => new MenuCategoryView(
                category.Name!.Trim(),
                [.. category.Items.Select(item => new MenuItemView(
                    item.Id ?? newId(), item.Name!.Trim(), item.Price!.Value, item.Description, item.Available ?? true))])),
        ];
        UpdatedAt = now;
    }

    public void RequireExists()
    {
        if (!Exists)
        {
            throw new NotFoundException("Store not found.");
        }
    }

    public StoreView ToView() => new(Id, Name, OwnerId, CreatedAt);

    public MenuView ToMenu() => new(Id, Name, [.. Categories], UpdatedAt);
}
