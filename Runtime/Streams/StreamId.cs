namespace OrleansHub.Runtime.Streams;

/// <summary>A durable stream: namespace plus key, written "namespace:key" (e.g. "task:42").</summary>
public readonly record struct StreamId(string Namespace, string Key)
{
    public override string ToString() => $"{Namespace}:{Key}";

    public static StreamId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not a stream id (namespace:key).");

    public static bool TryParse(string? value, out StreamId id)
    {
        var colon = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (value is null || colon <= 0 || colon == value.Length - 1)
        {
            id = default;
            return false;
        }
        id = new StreamId(value[..colon], value[(colon + 1)..]);
        return true;
    }
}
