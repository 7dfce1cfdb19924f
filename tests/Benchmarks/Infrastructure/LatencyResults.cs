using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace OrleansHub.Benchmarks.Infrastructure;

/// <summary>
/// Per-call latencies of a benchmark, recorded into arrays allocated before measuring (one per invocation,
/// reused round robin), summarised over the measured invocations only.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly long[][] _invocations;
    private readonly long[] _elapsed;
    private int _count;

    public LatencyRecorder(int callsPerInvocation, int keptInvocations)
    {
        _invocations = new long[keptInvocations][];
        for (var i = 0; i < keptInvocations; i++)
        {
            _invocations[i] = new long[callsPerInvocation];
        }
        _elapsed = new long[keptInvocations];
    }

    /// <summary>The array the next invocation writes its per-call Stopwatch ticks into.</summary>
    public long[] NextInvocation() => _invocations[_count % _invocations.Length];

    /// <summary>Closes the invocation started by <see cref="NextInvocation"/>; <paramref name="elapsedTicks"/> is its wall time.</summary>
    public void Complete(long elapsedTicks)
    {
        _elapsed[_count % _elapsed.Length] = elapsedTicks;
        _count++;
    }

    /// <summary>Summary of the last <paramref name="invocations"/> invocations (the measured ones).</summary>
    public LatencySummary Summarise(int invocations)
    {
        invocations = Math.Min(Math.Min(invocations, _count), _invocations.Length);
        var calls = _invocations[0].Length;
        var all = new long[invocations * calls];
        long wall = 0;
        for (var i = 0; i < invocations; i++)
        {
            var index = (_count - 1 - i) % _invocations.Length;
            Array.Copy(_invocations[index], 0, all, i * calls, calls);
            wall += _elapsed[index];
        }
        Array.Sort(all);
        return new LatencySummary(
            Invocations: invocations,
            Calls: all.Length,
            CallsPerSecond: all.Length / (wall / (double)Stopwatch.Frequency),
            P50Ms: Percentile(all, 0.50),
            P90Ms: Percentile(all, 0.90),
            P99Ms: Percentile(all, 0.99),
            P999Ms: Percentile(all, 0.999),
            MaxMs: ToMs(all[^1]),
            MeanMs: ToMs((long)all.Average()));
    }

    // Nearest rank.
    private static double Percentile(long[] sorted, double p) =>
        ToMs(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>Per-call latency of the measured invocations, and the throughput they achieved (calls / summed wall time).</summary>
public sealed record LatencySummary(
    int Invocations,
    long Calls,
    double CallsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    double MeanMs);

/// <summary>
/// Results the benchmarks publish for the summary columns and the JSON report. Static because the in-process
/// toolchain runs benchmarks and the summary in the same process.
/// </summary>
public static class LatencyResults
{
    private static readonly ConcurrentDictionary<string, LatencySummary> Results = new();
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static LatencySummary? For(string benchmark) => Results.GetValueOrDefault(benchmark);

    /// <summary>Prints <paramref name="summary"/> and writes it with <paramref name="context"/> to BenchmarkDotNet.Artifacts/results.</summary>
    public static void Publish(string benchmark, LatencySummary summary, IReadOnlyDictionary<string, string> context)
    {
        Results[benchmark] = summary;
        Console.WriteLine(
            $"// {benchmark}: {summary.Calls} calls in {summary.Invocations} measured invocations, " +
            $"{summary.CallsPerSecond:N0} calls/s, latency ms p50 {summary.P50Ms:F2} p90 {summary.P90Ms:F2} " +
            $"p99 {summary.P99Ms:F2} p99.9 {summary.P999Ms:F2} max {summary.MaxMs:F2}");
        var directory = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{benchmark}-latency.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { benchmark, context, summary }, Json));
        Console.WriteLine($"// latency report: {path}");
    }
}
