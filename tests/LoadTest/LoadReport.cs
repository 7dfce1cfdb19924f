using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansHub.LoadTest;

/// <summary>The results of a run, printed and written as JSON (snake_case).</summary>
internal sealed class LoadReport(
    LoadOptions options,
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
    (double Client, double?[] Silos) cpuBefore,
    (double Client, double?[] Silos) cpuAfter,
    ClientGc clientGc,
    ClusterFigures cluster)
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
        var siloPeaks = memory.SiloPeakBytes;
        var siloCpu = SiloCpu();
        return new
        {
            StartedAt = started,
            Target = Target(),
            Options = new
            {
                Silos = cluster.Servers.Count,
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
            Cluster = new
            {
                Silos = cluster.Servers.Count,
                Urls = cluster.Servers.Select(url => url.ToString()),
                cluster.ConnectionsPerSilo,
                cluster.RequestsPerSilo,
                // Derived from received counts per silo (CrossSiloShare): the product does not name an event's silo.
                CrossedShareMin = cluster.CrossedShare is { } crossed ? Math.Round(crossed.Min, 4) : (double?)null,
                CrossedShareMax = cluster.CrossedShare is { } bounds ? Math.Round(bounds.Max, 4) : (double?)null,
                CrossedShareEvenSpread = Math.Round(cluster.EvenSpreadShare, 4),
            },
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
                SiloPeakRssMb = siloPeaks.Length == 0 ? (double?)null : Megabytes(siloPeaks.Max()),
                SiloPeakRssSumMb = siloPeaks.Length == 0 ? (double?)null : Megabytes(siloPeaks.Sum()),
                SiloPeakRssPerSiloMb = siloPeaks.Select(Megabytes),
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
                Silo = siloCpu.Length == 0 || siloCpu.Any(c => c is null) ? (double?)null : Math.Round(siloCpu.Sum(c => c!.Value), 1),
                PerSilo = siloCpu.Select(c => c is { } value ? Math.Round(value, 1) : (double?)null),
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
        text.AppendLine(CultureInfo.InvariantCulture, $"=== OrleansHub load run ({options.Scenario}, {options.Client} client) against {Target()} ===");
        text.AppendLine(CultureInfo.InvariantCulture, $"load average before {loadBefore}, after {loadAfter}; {Environment.ProcessorCount} cores");
        text.AppendLine(CultureInfo.InvariantCulture, $"connections: {connectionsOpen}/{options.Connections} open, {connectFailures.Count} failed to open, {closedDuringRun.Values.Sum()} closed during the run");
        foreach (var (reason, count) in closedDuringRun)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  closed: {count} x {reason}");
        }
        if (cluster.Servers.Count > 1)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"silos: {cluster.Servers.Count}; connections per silo {string.Join('/', cluster.ConnectionsPerSilo)}, REST requests per silo {string.Join('/', cluster.RequestsPerSilo)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  events that crossed silos: {CrossedText()} (an even spread gives {cluster.EvenSpreadShare:P1})");
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
        var siloPeaks = memory.SiloPeakBytes;
        if (siloPeaks.Length == 1)
        {
            text.Append(CultureInfo.InvariantCulture, $", silo peak RSS {Megabytes(siloPeaks[0]):0} MB");
        }
        else if (siloPeaks.Length > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $", silo peak RSS {string.Join('/', siloPeaks.Select(b => Megabytes(b).ToString("0", CultureInfo.InvariantCulture)))} MB (sum {Megabytes(siloPeaks.Sum()):0}, max {Megabytes(siloPeaks.Max()):0})");
        }
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"CPU in the window: client {cpuAfter.Client - cpuBefore.Client:0.0} s (its own GC paused it {clientGc.PauseSeconds * 1000:0} ms in {clientGc.Gen0}/{clientGc.Gen1}/{clientGc.Gen2} gen0/1/2 collections)");
        var siloCpu = SiloCpu();
        if (siloCpu.Length > 0 && siloCpu.All(c => c is not null))
        {
            var perSilo = siloCpu.Length == 1 ? "" : $" ({string.Join('/', siloCpu.Select(c => c!.Value.ToString("0.0", CultureInfo.InvariantCulture)))} per silo)";
            text.Append(CultureInfo.InvariantCulture, $", silo {siloCpu.Sum(c => c!.Value):0.0} s{perSilo} (PostgreSQL not included)");
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

    private string Target() => options.Urls is null
        ? string.Create(CultureInfo.InvariantCulture, $"{cluster.Servers.Count} self-started silo(s) at {string.Join(", ", cluster.Servers)}")
        : string.Join(", ", cluster.Servers);

    // Each self-started silo's CPU seconds in the window (null where /proc could not be read).
    private double?[] SiloCpu() => [.. cpuAfter.Silos.Zip(cpuBefore.Silos, (after, before) => after - before)];

    private string CrossedText() => cluster.CrossedShare is not { } share
        ? "no events received"
        : Math.Abs(share.Max - share.Min) < 0.0005
            ? share.Min.ToString("P1", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{share.Min:P1} to {share.Max:P1}");

    private static string Line(LatencySummary s) => s.Count == 0
        ? "no samples"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {s.P50Ms:0.00}  p90 {s.P90Ms:0.00}  p99 {s.P99Ms:0.00}  p99.9 {s.P999Ms:0.00}  max {s.MaxMs:0.00}  ({s.Count} samples)");

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}
