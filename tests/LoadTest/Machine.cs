using System.Diagnostics;
using System.Globalization;

namespace OrleansHub.LoadTest;

/// <summary>What the machine and the processes were doing: load average, CPU time, resident memory.</summary>
internal static class Machine
{
    /// <summary>/proc/loadavg's first three fields ("1.02 0.87 0.95"), as <c>uptime</c> shows them.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>CPU seconds used so far by this process and by each self-started silo (none when not started here).</summary>
    public static (double Client, double?[] Silos) CpuSeconds(IReadOnlyList<SiloHost> silos) =>
        (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, [.. silos.Select(silo => silo.CpuSeconds())]);

    /// <summary>A process's CPU seconds (user + system) so far, from /proc; null when it cannot be read.</summary>
    public static double? ProcessCpuSeconds(int processId)
    {
        try
        {
            // Fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / 100.0; // USER_HZ is 100 on Linux
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>
/// This process's own garbage collections so far: a pause of the measuring process delays every response and
/// event it times, so the report shows how long and how often it paused in the window.
/// </summary>
internal readonly record struct ClientGc(double PauseSeconds, int Gen0, int Gen1, int Gen2)
{
    public static ClientGc Now() =>
        new(GC.GetTotalPauseDuration().TotalSeconds, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    public static ClientGc operator -(ClientGc after, ClientGc before) =>
        new(after.PauseSeconds - before.PauseSeconds, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2);
}

/// <summary>Peak resident memory of this process and of each self-started silo, sampled every second.</summary>
internal sealed class MemorySampler(IReadOnlyList<SiloHost> silos)
{
    private readonly long[] _siloPeaks = new long[silos.Count];
    private long _clientPeak;

    public long ClientPeakBytes => Interlocked.Read(ref _clientPeak);

    /// <summary>Each self-started silo's peak (empty when the target was not started here).</summary>
    public long[] SiloPeakBytes => [.. _siloPeaks.Select((_, i) => Interlocked.Read(ref _siloPeaks[i]))];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                Sample();
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Sample();
        }
    }

    private void Sample()
    {
        if (ProcessMemory.ResidentBytes(Environment.ProcessId) is { } client)
        {
            Interlocked.Exchange(ref _clientPeak, Math.Max(_clientPeak, client));
        }
        for (var i = 0; i < silos.Count; i++)
        {
            if (silos[i].ResidentBytes() is { } server)
            {
                Interlocked.Exchange(ref _siloPeaks[i], Math.Max(_siloPeaks[i], server));
            }
        }
    }
}
