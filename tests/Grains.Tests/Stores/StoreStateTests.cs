using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Stores;
using OrleansHub.Grains.Stores;

namespace OrleansHub.Grains.Tests.Stores;

public sealed class StoreStateTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static StoreState Store()
    {
        var state = new StoreState();
        state.Create("s1", new CreateStore("owner", "  Cafe  "), Now);
        return state;
    }

    private static UpdateMenu Menu(params MenuItemInput[] items) => new([new MenuCategoryInput("Drinks", [.. items])]);

    [Fact]
    public void NewItemsGetIdsAndItemsSentWithAnIdKeepIt()
    {
        var state = Store();
        var next = 0;

        state.ReplaceMenu("owner", Menu(new MenuItemInput(null, "Latte", 4500, null, null), new MenuItemInput("tea-1", "Tea", 3000, "Green", false)), () => $"gen{++next}", Now);

        var items = state.ToMenu().Categories.Single().Items;
        Assert.Equal(["gen1", "tea-1"], items.Select(i => i.Id));
        Assert.True(items[0].Available);
        Assert.False(items[1].Available);
        Assert.Equal("Cafe", state.Name);
    }

    [Fact]
    public void OnlyTheOwnerChangesTheMenu()
    {
        var state = Store();

        Assert.Throws<ForbiddenException>(() => state.ReplaceMenu("someone", Menu(new MenuItemInput(null, "Latte", 1, null, null)), () => "x", Now));
        Assert.Empty(state.Categories);
    }

    [Fact]
    public void EveryBadFieldIsReportedByItsJsonPath()
    {
        var state = Store();
        var menu = new UpdateMenu([
            new MenuCategoryInput("", [new MenuItemInput("a", "A", -1, null, null), new MenuItemInput("a", "", null, new string('x', 501), null)]),
            new MenuCategoryInput("Food", default),
        ]);

        var invalid = Assert.Throws<ValidationException>(() => state.ReplaceMenu("owner", menu, () => "x", Now));

        Assert.Equal(
            ["categories[0].items[0].price", "categories[0].items[1].description", "categories[0].items[1].id",
             "categories[0].items[1].name", "categories[0].items[1].price", "categories[0].name", "categories[1].items"],
            invalid.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(state.Categories);
    }

    [Fact]
    public void AFreeItemIsAllowedAndAMissingMenuIsNot()
    {
        var state = Store();

        state.ReplaceMenu("owner", Menu(new MenuItemInput(null, "Water", 0, null, null)), () => "w", Now);

        Assert.Equal(0, state.ToMenu().Categories.Single().Items.Single().Price);
        Assert.Throws<ValidationException>(() => state.ReplaceMenu("owner", new UpdateMenu(default), () => "x", Now));
    }

    [Fact]
    public void AStoreThatDoesNotExistIsNotFoundAndOneThatDoesCannotBeCreatedAgain()
    {
        Assert.Throws<NotFoundException>(() => new StoreState().RequireExists());
        Assert.Throws<ConflictException>(() => Store().Create("s1", new CreateStore("owner", "Again"), Now));
        Assert.Throws<ValidationException>(() => new StoreState().Create("s2", new CreateStore("owner", " "), Now));
    }

    [Fact]
    public void TheMenuIndexesItemsById()
    {
        var state = Store();
        state.ReplaceMenu("owner", new UpdateMenu([
            new MenuCategoryInput("A", [new MenuItemInput("x", "X", 1, null, null)]),
            new MenuCategoryInput("B", ImmutableArray.Create(new MenuItemInput("y", "Y", 2, null, null))),
        ]), () => "z", Now);

        Assert.Equal(2, state.ToMenu().ItemsById()["y"].Price);
    }
}
