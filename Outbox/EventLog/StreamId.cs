namespace OrleansHub.Outbox.EventLog;

/// <summary>
/// A durable stream: namespace plus key, written "namespace:key" (e.g. "task:42"). The Orleans stream that
/// carries its live events has the same namespace and key (<see cref="ToOrleans"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.StreamId")]
public readonly record struct StreamId(string Namespace, string Key)
{
    /// <summary>The Orleans stream of the same id.</summary>
    public Orleans.Runtime.StreamId ToOrleans() => Orleans.Runtime.StreamId.Create(Namespace, Key);

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
