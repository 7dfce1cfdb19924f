// The load harness (docs/performance.md, "Load harness"): opens hub connections that each follow a workspace and
// a store stream, drives status changes through the REST API from paced writers, and reports end-to-end event
// latency (the event's timestamp, taken by the writing grain, to the client's receipt), throughput, REST latency,
// lost and out-of-order events by seq, memory and CPU per silo, and the share of events that crossed silos. It
// starts its own cluster (--silos N on one PostgreSQL) unless --url names running silos.
using OrleansHub.LoadTest;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or UriFormatException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

ClusterHost? cluster = null;
try
{
    if (options.Urls is null)
    {
        Console.WriteLine($"Starting {options.Silos} silo(s) on one PostgreSQL ...");
        cluster = await ClusterHost.StartAsync(options.Silos, options.SiloDll, options.KeepSiloDirectory, stop.Token);
        foreach (var silo in cluster.Silos)
        {
            Console.WriteLine($"Silo at {silo.Url} (pid {silo.ProcessId}, directory {silo.Directory})");
        }
    }
    var servers = options.Urls ?? [.. cluster!.Silos.Select(silo => silo.Url)];
    var run = new LoadRun(options, servers, cluster?.Silos ?? []);
    var report = await run.RunAsync(stop.Token);
    await report.WriteAsync(options.Output);
    Console.WriteLine(report.Summary());
    Console.WriteLine($"Report written to {Path.GetFullPath(options.Output)}");
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 1;
}
finally
{
    if (cluster is not null)
    {
        await cluster.DisposeAsync();
    }
}
