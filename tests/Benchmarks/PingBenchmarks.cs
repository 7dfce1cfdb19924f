using BenchmarkDotNet.Attributes;
using OrleansHub.Benchmarks.Grains;
using OrleansHub.Benchmarks.Infrastructure;

namespace OrleansHub.Benchmarks;

/// <summary>
/// Local grain calls: 100 concurrent callers, each making sequential pings to pseudo-random grains among
/// 1,000 already active ones, from host code in the silo (as the co-hosted API calls). Measures Orleans' local call
/// path (reference, message, activation scheduler, response); docs/performance.md has it beside the old runtime's.
/// </summary>
public class PingBenchmarks
{
    public const int GrainCount = 1_000;
    public const int Concurrency = 100;
    public const int CallsPerWorker = 2_000;

    private BenchSilo _silo = null!;
    private IPingGrain[] _grains = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _silo = await BenchSilo.StartAsync();
        // References are created once, as callers that keep them do; activations exist before measuring.
        _grains = [.. Enumerable.Range(0, GrainCount).Select(i => _silo.Grains.GetGrain<IPingGrain>($"ping-{i}"))];
        await Task.WhenAll(_grains.Select((grain, i) => grain.PingAsync(i)));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        Console.WriteLine($"// Ping: load average at cleanup {Machine.LoadAverage}");
        await _silo.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Concurrency * CallsPerWorker)]
    public async Task Ping()
    {
        var workers = new Task[Concurrency];
        for (var w = 0; w < Concurrency; w++)
        {
            workers[w] = WorkerAsync(w);
        }
        await Task.WhenAll(workers);
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
