namespace OrleansHub.Grains.Orders;

/// <summary>
/// The order numbers one store activation hands out from memory (docs/orders.md, "Order numbers"). It reserves
/// a range from the counter row when it runs out: one number at a time while orders are rare, so numbers stay
/// dense; twice the last range (up to <see cref="MaxRange"/>) when the last one lasted under
/// <see cref="BusyWithin"/>, so a busy store does one database round trip per many orders; back to one after
/// a range lasted over <see cref="IdleAfter"/>. What is left of a range is given back when the activation
/// ends; only a crash leaves a gap. Not thread-safe: used inside the
/// store grain's turns.
/// </summary>
public sealed class OrderNumberBlock(OrderNumbers numbers, TimeProvider clock)
{
    public const int MaxRange = 64;

    public static readonly TimeSpan BusyWithin = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(1);

    private DateOnly _day;
    private int _next = 1;
    private int _last;
    private int _range;
    private long _reservedAt;

    /// <summary>The next number of <paramref name="storeId"/> on <paramref name="day"/>.</summary>
    public async Task<int> TakeAsync(string storeId, DateOnly day)
    {
        if (day != _day || _next > _last)
        {
            var lasted = clock.GetElapsedTime(_reservedAt);
            var range = day != _day || _range == 0 || lasted > IdleAfter ? 1
                : lasted < BusyWithin ? Math.Min(_range * 2, MaxRange)
                : _range;
            var last = await numbers.ReserveAsync(storeId, day, range);
            (_day, _range, _next, _last, _reservedAt) = (day, range, last - range + 1, last, clock.GetTimestamp());
        }
        return _next++;
    }

    /// <summary>Gives the unused rest of the range back (the activation is ending).</summary>
    public Task GiveBackAsync(string storeId) =>
        _next <= _last ? numbers.GiveBackAsync(storeId, _day, _next - 1, _last) : Task.CompletedTask;
}
