namespace OrleansHub.Grains.Interfaces.Identity;

public static class Emails
{
    /// <summary>The form stored and compared by the unique index: trimmed, lower-case (invariant).</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
