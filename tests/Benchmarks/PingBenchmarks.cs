using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using OrleansHub.Benchmarks.Grains;
using OrleansHub.Benchmarks.Infrastructure;

namespace OrleansHub.Benchmarks;

/// <summary>
/// Local grain calls: 100 concurrent callers, each making sequential pings to pseudo-random grains among
/// 1,000 already active ones, from host code in the silo (as the co-hosted API calls). Measures Orleans' local call
/// path (reference, message, activation scheduler, response); docs/performance.md has it beside the old runtime's.
/// <see cref="Dashboard"/> runs the same calls with Orleans' dashboard registered (docs/performance.md "Orleans
/// Dashboard cost").
/// </summary>
public class PingBenchmarks
{
    public const int GrainCount = 1_000;
    public const int Concurrency = 100;
    public const int CallsPerWorker = 2_000;

    private BenchSilo _silo = null!;
    private IPingGrain[] _grains = null!;
    private TimeSpan _cpu;
    private long _calls;

    /// <summary>Whether the silo has Orleans' dashboard, and whether its profiler records calls.</summary>
    [Params(DashboardMode.Off, DashboardMode.Idle, DashboardMode.Watched)]
    public DashboardMode Dashboard { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _silo = await BenchSilo.StartAsync(silo =>
        {
            if (Dashboard != DashboardMode.Off)
            {
                silo.AddDashboard();
                // An open dashboard page turns the profiler on for as long as it polls; TraceAlways holds it there.
                silo.Services.Configure<GrainProfilerOptions>(profiler => profiler.TraceAlways = Dashboard == DashboardMode.Watched);
            }
        });
        // References are created once, as callers that keep them do; activations exist before measuring.
        _grains = [.. Enumerable.Range(0, GrainCount).Select(i => _silo.Grains.GetGrain<IPingGrain>($"ping-{i}"))];
        await Task.WhenAll(_grains.Select((grain, i) => grain.PingAsync(i)));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        Console.WriteLine($"// Ping: load average at cleanup {Machine.LoadAverage}");
        // The silo process's CPU per call over every invocation (warmup included): on a machine shared with other
        // work, wall-clock throughput follows their load, the CPU a call costs much less so.
        Console.WriteLine($"// Ping [Dashboard={Dashboard}]: {_cpu.TotalMicroseconds / _calls:F2} us of CPU per call over {_calls:N0} calls");
        await _silo.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Concurrency * CallsPerWorker)]
    public async Task Ping()
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var workers = new Task[Concurrency];
        for (var w = 0; w < Concurrency; w++)
        {
            workers[w] = WorkerAsync(w);
        }
        await Task.WhenAll(workers);
        _cpu += Environment.CpuUsage.TotalTime - cpu;
        _calls += Concurrency * CallsPerWorker;
    }

    private async Task WorkerAsync(int worker)
    {
        var grains = _grains;
        // xorshift32: cheap, allocation-free, a different sequence per worker.
        var x = (uint)(worker + 1) * 2_654_435_761u;
        for (var i = 0; i < CallsPerWorker; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            var result = await grains[x % GrainCount].PingAsync(i);
            if (result != i + 1)
            {
                throw new InvalidOperationException($"Ping returned {result}, expected {i + 1}.");
            }
        }
    }
}

/// <summary>The Orleans Dashboard in <see cref="PingBenchmarks"/>.</summary>
public enum DashboardMode
{
    /// <summary>Not registered: the product's default.</summary>
    Off,

    /// <summary>Registered, with no dashboard page open: its grain-call filter only checks that the profiler is off.</summary>
    Idle,

    /// <summary>Registered, with the profiler recording every call, as while an administrator has the page open.</summary>
    Watched,
}
