// The load harness (docs/performance.md, "Load harness"): opens hub connections that each follow a workspace and
// a store stream, drives status changes through the REST API from paced writers, and reports end-to-end event
// latency (the event's timestamp, taken by the writing grain, to the client's receipt), throughput, REST latency,
// lost and out-of-order events by seq, and memory. It starts its own silo unless --url names a server.
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

SiloHost? silo = null;
try
{
    if (options.Url is null)
    {
        Console.WriteLine("Starting a silo with embedded PostgreSQL ...");
        silo = await SiloHost.StartAsync(options.SiloDll, options.KeepSiloDirectory, stop.Token);
        Console.WriteLine($"Silo at {silo.Url} (pid {silo.ProcessId}, directory {silo.Directory})");
    }
    var run = new LoadRun(options, options.Url ?? silo!.Url, silo);
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
    if (silo is not null)
    {
        await silo.DisposeAsync();
    }
}
