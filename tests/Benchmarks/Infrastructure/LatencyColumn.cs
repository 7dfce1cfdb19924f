using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OrleansHub.Benchmarks.Infrastructure;

/// <summary>Summary-table columns for the per-call latency percentiles a benchmark published (see <see cref="LatencyResults"/>).</summary>
public sealed class LatencyColumn(string name, Func<LatencySummary, double> value, string legend) : IColumn
{
    public static readonly IColumn[] All =
    [
        new LatencyColumn("p50 (ms)", s => s.P50Ms, "Median per-call latency of the measured invocations"),
        new LatencyColumn("p99 (ms)", s => s.P99Ms, "99th percentile per-call latency of the measured invocations"),
        new LatencyColumn("max (ms)", s => s.MaxMs, "Slowest call of the measured invocations"),
    ];

    public string Id => $"{nameof(LatencyColumn)}.{name}";

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        LatencyResults.For(benchmarkCase.Descriptor.WorkloadMethod.Name) is { } result
            ? value(result).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)
            : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
}
