using OrleansHub.Grains.Interfaces.Errors;

namespace OrleansHub.Grains.Workspaces;

/// <summary>Limits on what a workspace may hold; all violations are reported together.</summary>
public static class WorkspaceValidation
{
    public const int MaxName = 200;
    public const int MaxDescription = 2000;
    public const int MaxTags = 20;
    public const int MaxTag = 50;
    public const int MaxMetadataEntries = 50;
    public const int MaxMetadataKey = 64;
    public const int MaxMetadataValue = 1024;

    public static void Validate(
        string? name, string? description, IReadOnlyCollection<string>? tags, IReadOnlyDictionary<string, string>? metadata)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxName)
        {
            errors["name"] = [$"Required, at most {MaxName} characters."];
        }
        if (description is { Length: > MaxDescription })
        {
            errors["description"] = [$"At most {MaxDescription} characters."];
        }
        if (tags is not null && (tags.Count > MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > MaxTag)))
        {
            errors["tags"] = [$"At most {MaxTags} tags, each 1 to {MaxTag} characters."];
        }
        if (metadata is not null && (metadata.Count > MaxMetadataEntries
            || metadata.Any(m => m.Key.Length is 0 or > MaxMetadataKey || (m.Value?.Length ?? 0) > MaxMetadataValue)))
        {
            errors["metadata"] = [$"At most {MaxMetadataEntries} entries; keys 1 to {MaxMetadataKey} characters, values at most {MaxMetadataValue}."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }
}
