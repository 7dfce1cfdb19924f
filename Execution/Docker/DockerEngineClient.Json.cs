using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansHub.Execution.Docker;

/// <summary>Reading the engine's JSON answers: defensively, field by field, as untrusted input.</summary>
internal sealed partial class DockerEngineClient
{
    private static DockerEngineException Malformed(string what) =>
        new($"the Docker engine sent a malformed answer when asked to {what}");

    private static T Parse<T>(byte[] body, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(body, JsonOptions);
            return read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw Malformed(what);
        }
    }

    [GeneratedRegex("^[0-9a-f]{12,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerIdPattern();

    /// <summary>Ids come from the engine and go into request paths: hex only.</summary>
    private static string CheckedId(string? id) =>
        id is not null && ContainerIdPattern().IsMatch(id) ? id : throw new FormatException("Not a container id.");

    private static string? StringProperty(JsonElement element, string name, bool required = true)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        return required ? throw new FormatException($"Missing {name}.") : null;
    }

    private static bool BoolProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static int? IntProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? (int)Math.Clamp(number, int.MinValue, int.MaxValue)
            : null;

    private static ImmutableDictionary<string, string> Labels(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var labels) || labels.ValueKind != JsonValueKind.Object)
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        var result = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var label in labels.EnumerateObject().Take(256))
        {
            if (label.Value.ValueKind == JsonValueKind.String)
            {
                result[label.Name] = label.Value.GetString() ?? "";
            }
        }

        return result.ToImmutable();
    }
}
