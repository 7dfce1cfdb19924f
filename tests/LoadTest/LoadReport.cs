using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansHub.LoadTest;

/// <summary>The results of a run, printed and written as JSON (snake_case).</summary>
internal sealed class LoadReport(
    LoadOptions options,
    Uri server,
    DateTimeOffset started,
    string loadBefore,
    string loadAfter,
    TimeSpan window,
    LoadStats stats,
    int connectionsOpen,
    List<string> connectFailures,
    Dictionary<string, long> closedDuringRun,
    long eventsInWindow,
    long tailLost,
    int connectionsChecked,
    MemorySampler memory,
    (double Client, double? Silo) cpuBefore,
    (double Client, double? Silo) cpuAfter,
    ClientGc clientGc)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
    };

    public object ToJson()
    {
        var seconds = window.TotalSeconds;
        return new
        {
            StartedAt = started,
            Target = options.Url is null ? $"self-started silo at {server}" : server.ToString(),
            Options = new
            {
                options.Connections,
                options.Users,
                options.Groups,
                options.Writers,
                options.Rate,
                options.Scenario,
                options.Client,
                WarmupSeconds = options.Warmup.TotalSeconds,
                DurationSeconds = options.Duration.TotalSeconds,
                DrainSeconds = options.Drain.TotalSeconds,
            },
            Machine = new { Cores = Environment.ProcessorCount, LoadAverageBefore = loadBefore, LoadAverageAfter = loadAfter },
            Connections = new
            {
                Requested = options.Connections,
                Opened = connectionsOpen,
                Failed = connectFailures.Count,
                FailureSamples = connectFailures.Distinct().Take(5),
                ClosedDuringRun = closedDuringRun.Values.Sum(),
                CloseReasons = closedDuringRun,
            },
            Events = new
            {
                ReceivedTotal = stats.Events,
                ReceivedInWindow = eventsInWindow,
                PerSecond = Math.Round(eventsInWindow / seconds, 1),
                LatencyMs = stats.EventLatency.Summarize(),
                LostInStream = stats.LostEvents,
                LostAtEnd = tailLost,
                Lost = stats.LostEvents + tailLost,
                OutOfOrder = stats.OutOfOrderEvents,
                ConnectionsChecked = connectionsChecked,
            },
            Rest = new
            {
                RequestsInWindow = stats.MeasuredRequests,
                PerSecond = Math.Round(stats.MeasuredRequests / seconds, 1),
                RequestsTotal = stats.Requests,
                Failed = stats.FailedRequests,
                Failures = stats.RequestErrors,
                LatencyMs = stats.RestLatency.Summarize(),
                ByOperation = stats.RestByOperation.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value.Summarize()),
                SlowMs = LatencyTimeline.SlowMicros / 1000,
                Timeline = stats.RestTimeline.Seconds((int)Math.Ceiling(seconds)),
            },
            Memory = new
            {
                ClientPeakRssMb = Megabytes(memory.ClientPeakBytes),
                ClientGcHeapMb = Megabytes(GC.GetTotalMemory(forceFullCollection: false)),
                SiloPeakRssMb = memory.SiloPeakBytes is { } siloBytes ? Megabytes(siloBytes) : (double?)null,
            },
            ClientGcInWindow = new
            {
                PauseMs = Math.Round(clientGc.PauseSeconds * 1000),
                clientGc.Gen0,
                clientGc.Gen1,
                clientGc.Gen2,
            },
            CpuSecondsInWindow = new
            {
                Client = Math.Round(cpuAfter.Client - cpuBefore.Client, 1),
                Silo = cpuAfter.Silo - cpuBefore.Silo is { } siloSeconds ? Math.Round(siloSeconds, 1) : (double?)null,
            },
        };
    }

    public async Task WriteAsync(string path)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, ToJson(), Json);
    }

    public string Summary()
    {
        var events = stats.EventLatency.Summarize();
        var rest = stats.RestLatency.Summarize();
        var seconds = window.TotalSeconds;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"=== OrleansHub load run ({options.Scenario}, {options.Client} client) against {server} ===");
        text.AppendLine(CultureInfo.InvariantCulture, $"load average before {loadBefore}, after {loadAfter}; {Environment.ProcessorCount} cores");
        text.AppendLine(CultureInfo.InvariantCulture, $"connections: {connectionsOpen}/{options.Connections} open, {connectFailures.Count} failed to open, {closedDuringRun.Values.Sum()} closed during the run");
        foreach (var (reason, count) in closedDuringRun)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  closed: {count} x {reason}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"events delivered: {eventsInWindow / seconds:0.0}/s in the {seconds:0.0} s window ({stats.Events} in all)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  commit-to-client latency ms: {Line(events)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  lost {stats.LostEvents + tailLost} (gaps {stats.LostEvents}, never arrived {tailLost}), out of order or repeated {stats.OutOfOrderEvents}, over {connectionsChecked} connections checked at the end");
        text.AppendLine(CultureInfo.InvariantCulture, $"REST status changes: {stats.MeasuredRequests / seconds:0.0}/s, {stats.FailedRequests} failed");
        text.AppendLine(CultureInfo.InvariantCulture, $"  latency ms: {Line(rest)}");
        foreach (var (operation, histogram) in stats.RestByOperation.OrderBy(p => p.Key))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {operation,-15} {Line(histogram.Summarize())}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"  over {LatencyTimeline.SlowMicros / 1000} ms by second: {Timeline()}");
        foreach (var (failure, count) in stats.RequestErrors)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  failed: {count} x {failure}");
        }
        text.Append(CultureInfo.InvariantCulture, $"memory: client peak RSS {Megabytes(memory.ClientPeakBytes):0} MB");
        if (memory.SiloPeakBytes is { } silo)
        {
            text.Append(CultureInfo.InvariantCulture, $", silo peak RSS {Megabytes(silo):0} MB");
        }
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"CPU in the window: client {cpuAfter.Client - cpuBefore.Client:0.0} s (its own GC paused it {clientGc.PauseSeconds * 1000:0} ms in {clientGc.Gen0}/{clientGc.Gen1}/{clientGc.Gen2} gen0/1/2 collections)");
        if (cpuAfter.Silo - cpuBefore.Silo is { } siloCpu)
        {
            text.Append(CultureInfo.InvariantCulture, $", silo {siloCpu:0.0} s (PostgreSQL not included)");
        }
        return text.ToString();
    }

    // "slow/requests (max ms)" for each second, worst first: a few bad seconds is a stall, an even spread is queueing.
    private string Timeline()
    {
        var seconds = stats.RestTimeline.Seconds((int)Math.Ceiling(window.TotalSeconds));
        var slow = seconds.Sum(s => s.Slow);
        if (slow == 0)
        {
            return "none";
        }
        var ranked = seconds.OrderByDescending(s => s.Slow).ToList();
        var half = 0;
        for (var covered = 0L; covered * 2 < slow; half++)
        {
            covered += ranked[half].Slow;
        }
        var worst = ranked.Take(5).Select(s => string.Create(CultureInfo.InvariantCulture, $"t={s.Second}s {s.Slow}/{s.Requests} (max {s.MaxMs:0})"));
        return string.Create(CultureInfo.InvariantCulture, $"{slow} in {seconds.Count(s => s.Slow > 0)} of {seconds.Count} s, half of them in the worst {half} s; worst: {string.Join(", ", worst)}");
    }

    private static string Line(LatencySummary s) => s.Count == 0
        ? "no samples"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {s.P50Ms:0.00}  p90 {s.P90Ms:0.00}  p99 {s.P99Ms:0.00}  p99.9 {s.P999Ms:0.00}  max {s.MaxMs:0.00}  ({s.Count} samples)");

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}
