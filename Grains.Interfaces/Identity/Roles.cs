namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>The global roles of docs/api.md: admin &gt; user &gt; viewer. A viewer is read-only everywhere.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string User = "user";
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Admin, User, Viewer];

    public static bool IsValid(string? role) => role is Admin or User or Viewer;

    /// <summary>Higher means more rights; unknown roles rank below viewer.</summary>
    public static int Rank(string? role) => role switch
    {
        Admin => 2,
        User => 1,
        Viewer => 0,
        _ => -1,
    };

    /// <summary>The lesser of two roles (an API key never has more rights than its owner has now).</summary>
    public static string Min(string a, string b) => Rank(a) <= Rank(b) ? a : b;
}
