namespace OrleansHub.Api.Metrics;

/// <summary>
/// How an instrument becomes a Prometheus family, by the OpenTelemetry-to-Prometheus rules that
/// docs/operations.md documents: dots become underscores, the unit is a suffix (<c>_seconds</c>,
/// <c>_bytes</c>), and counters end in <c>_total</c>. prometheus-net's own meter adapter names a family
/// <c>&lt;meter&gt;_&lt;instrument&gt;</c> with no unit and no hook to change it, so the names are ours.
/// </summary>
internal static class PrometheusNames
{
    public static string MetricName(string instrumentName, string? unit, bool monotonic)
    {
        var name = Sanitize(instrumentName);
        if (UnitSuffix(unit) is { } suffix && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }
        return monotonic && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    /// <summary>A tag's label name; <c>__</c> is reserved, and a histogram owns <c>le</c>.</summary>
    public static string LabelName(string tag, bool histogram)
    {
        var name = Sanitize(tag);
        name = name.StartsWith("__", StringComparison.Ordinal) ? "_" + name.TrimStart('_') : name;
        return histogram && name == "le" ? "exported_le" : name;
    }

    /// <summary>
    /// The HELP text: the description, else the instrument's name, escaped as the text format asks
    /// (prometheus-net writes HELP as given, and a raw line feed would end the line).
    /// </summary>
    public static string Help(string instrumentName, string? description)
    {
        var help = string.IsNullOrWhiteSpace(description) ? instrumentName : description;
        return help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ when unit.StartsWith('{') => null, // an annotation such as {request}, not a unit
        _ => Sanitize(unit),
    };

    // Metric and label names as prometheus-net accepts them: [a-zA-Z_][a-zA-Z0-9_]*.
    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var sanitized = new string(chars);
        return sanitized.Length == 0 || char.IsAsciiDigit(sanitized[0]) ? "_" + sanitized : sanitized;
    }
}
