namespace OrleansHub.Grains.Identity;

internal static class IdentityClock
{
    /// <summary>
    /// Now, truncated to PostgreSQL's microseconds, so a time read back from an index table equals the
    /// one kept in grain state (the same user looks the same from /auth/me and from /users).
    /// </summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
