using System.Globalization;
using System.Text;

namespace OrleansHub.Api.Metrics;

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: <c># HELP</c> and <c># TYPE</c> per family, one
/// sample per line, histograms as cumulative <c>_bucket{le}</c> plus <c>_sum</c> and <c>_count</c>. Names
/// follow the OpenTelemetry-to-Prometheus rules: dots become underscores, the unit is a suffix
/// (<c>_seconds</c>, <c>_bytes</c>), and counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string MetricName(string instrumentName, string? unit, bool monotonic)
    {
        var name = Sanitize(instrumentName);
        if (UnitSuffix(unit) is { } suffix && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }
        return monotonic && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    public static string LabelName(string tag)
    {
        var name = Sanitize(tag).Replace(':', '_');
        return name.StartsWith("__", StringComparison.Ordinal) ? "_" + name.TrimStart('_') : name; // __ is reserved
    }

    public static string Write(IEnumerable<InstrumentSeries> families)
    {
        var text = new StringBuilder();
        string? previous = null;
        foreach (var series in families)
        {
            // Two instruments can map to one name (same instrument name on two meters): one HELP/TYPE.
            if (series.Name != previous)
            {
                text.Append("# HELP ").Append(series.Name).Append(' ').Append(EscapeHelp(series.Help)).Append('\n');
                text.Append("# TYPE ").Append(series.Name).Append(' ').Append(series.PrometheusType).Append('\n');
                previous = series.Name;
            }
            foreach (var point in series.Points.OrderBy(point => Labels(point.Labels, null), StringComparer.Ordinal))
            {
                if (series.Kind == SeriesKind.Histogram)
                {
                    WriteHistogram(text, series, point);
                }
                else
                {
                    Sample(text, series.Name, Labels(point.Labels, null), point.Value);
                }
            }
        }
        return text.ToString();
    }

    private static void WriteHistogram(StringBuilder text, InstrumentSeries series, InstrumentSeries.Point point)
    {
        var (buckets, sum, count) = point.Snapshot();
        long cumulative = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            cumulative += buckets[i];
            var le = i < series.Bounds.Length ? Number(series.Bounds[i]) : "+Inf";
            Sample(text, series.Name + "_bucket", Labels(point.Labels, le), cumulative);
        }
        Sample(text, series.Name + "_sum", Labels(point.Labels, null), sum);
        Sample(text, series.Name + "_count", Labels(point.Labels, null), count);
    }

    private static void Sample(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels).Append(' ').Append(Number(value)).Append('\n');

    private static string Labels(KeyValuePair<string, string>[] labels, string? le)
    {
        if (labels.Length == 0 && le is null)
        {
            return "";
        }
        var parts = labels.Select(label => $"{label.Key}=\"{EscapeLabelValue(label.Value)}\"");
        if (le is not null)
        {
            parts = parts.Append($"le=\"{le}\"");
        }
        return "{" + string.Join(',', parts) + "}";
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string? UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ when unit.StartsWith('{') => null, // an annotation such as {request}, not a unit
        _ => Sanitize(unit),
    };

    // Metric and label names: [a-zA-Z_:][a-zA-Z0-9_:]*; anything else becomes an underscore.
    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_').ToArray();
        var sanitized = new string(chars);
        return sanitized.Length == 0 || char.IsAsciiDigit(sanitized[0]) ? "_" + sanitized : sanitized;
    }

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
