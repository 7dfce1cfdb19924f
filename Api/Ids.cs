namespace OrleansHub.Api;

/// <summary>Ids are opaque strings (API.md); anything implausible is simply not found, and never reaches a grain key.</summary>
internal static class Ids
{
    public const int MaxLength = 64;

    public static bool IsPlausible(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
