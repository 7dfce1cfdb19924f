namespace OrleansHub.Grains.Interfaces.Stores;

/// <summary>
/// One store: its owner, name and menu (categories, items, prices, availability). Key: the store id. The
/// activation is the menu's cache: reads are served from memory, never from a separate cache. List rows
/// live in <c>stores</c>; menu changes emit <c>store.menu</c> on <c>store:{id}</c>.
/// </summary>
[Alias("OrleansHub.IStoreGrain")]
public interface IStoreGrain : IGrainWithStringKey
{
    /// <summary>Creates the store owned by <c>command.OwnerId</c> with an empty menu; 409 if the id exists.</summary>
    [Alias("CreateAsync")]
    Task<StoreView> CreateAsync(CreateStore command);

    /// <summary>The store, or null when it does not exist (for access checks: the caller decides 404).</summary>
    [Alias("FindAsync")]
    Task<StoreView?> FindAsync();

    /// <summary>The menu (anyone may read it); 404 if the store does not exist.</summary>
    [Alias("GetMenuAsync")]
    Task<MenuView> GetMenuAsync();

    /// <summary>Replaces the menu. Owner only: 403 for anyone else (the store itself is public).</summary>
    [Alias("UpdateMenuAsync")]
    Task<MenuView> UpdateMenuAsync(string callerId, UpdateMenu command);

    /// <summary>
    /// The next order number of this store on <paramref name="day"/> (UTC): unique and increasing; dense unless
    /// a silo crashed while the store held a reserved range. 404 if the store does not exist.
    /// </summary>
    [Alias("TakeOrderNumberAsync")]
    Task<int> TakeOrderNumberAsync(DateOnly day);
}
