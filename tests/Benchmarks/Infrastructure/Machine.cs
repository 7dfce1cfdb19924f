namespace OrleansHub.Benchmarks.Infrastructure;

/// <summary>How busy the machine was: other work on a 2-core box moves these numbers a lot.</summary>
public static class Machine
{
    public static string LoadAverage =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
