using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using OrleansHub.Benchmarks.Grains;
using OrleansHub.Benchmarks.Infrastructure;

namespace OrleansHub.Benchmarks;

/// <summary>
/// Persisted state writes: 64 concurrent callers, each writing its own grain sequentially (so no ETag conflicts),
/// committed with synchronous_commit as the server has it (on by default), through each grain storage provider:
/// "outbox" (ours: the state row plus an outbox event, group commit) and "adonet" (Orleans' ADO.NET provider with
/// System.Text.Json: the state row only). Target for the outbox on the 2-core reference machine: at least 10,000
/// writes/s with p99 under 20 ms (docs/performance.md).
/// </summary>
public class PersistedWriteBenchmarks
{
    [Params("outbox", "adonet")]
    public string Provider { get; set; } = "outbox";

    public const int Concurrency = 64;
    public const int WritesPerWorker = 100;

    private BenchSilo _silo = null!;
    private IWriterGrain[] _grains = null!;
    private long[] _values = null!;
    private LatencyRecorder _latencies = null!;
    private IReadOnlyDictionary<string, string> _serverSettings = null!;
    private string _loadBefore = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // Taken before the 64 writers start: once they run, their own PostgreSQL backends count in the load.
        _loadBefore = Machine.LoadAverage;
        _silo = await BenchSilo.StartAsync();
        _serverSettings = await _silo.ReadServerSettingsAsync();
        Console.WriteLine($"// PostgreSQL: {string.Join(", ", _serverSettings.Select(s => $"{s.Key}={s.Value}"))}");
        if (_serverSettings["synchronous_commit"] != "on")
        {
            Console.WriteLine("// WARNING: synchronous_commit is not 'on'; these numbers do not answer the target.");
        }

        var grainClass = Provider == "adonet" ? typeof(AdoNetWriterGrain).FullName : typeof(OutboxWriterGrain).FullName;
        _grains = [.. Enumerable.Range(0, Concurrency).Select(i => _silo.Grains.GetGrain<IWriterGrain>($"writer-{i}", grainClass))];
        _values = new long[Concurrency];
        // Activate every grain and create its state row and stream, so every measured write is an update.
        for (var i = 0; i < Concurrency; i++)
        {
            _values[i] = await _grains[i].AddAsync(1);
        }
        _latencies = new LatencyRecorder(Concurrency * WritesPerWorker, keptInvocations: 64);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        var summary = _latencies.Summarise(BenchmarkConfig.IterationCount);
        var context = new Dictionary<string, string>(_serverSettings)
        {
            ["provider"] = Provider,
            ["concurrency"] = Concurrency.ToString(CultureInfo.InvariantCulture),
            ["writes_per_worker_per_invocation"] = WritesPerWorker.ToString(CultureInfo.InvariantCulture),
            ["processor_count"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["date_utc"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["load_average_before"] = _loadBefore,
        };
        LatencyResults.Publish($"{nameof(PersistedWrite)}-{Provider}", summary, context);
        await _silo.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Concurrency * WritesPerWorker)]
    public async Task PersistedWrite()
    {
        var latencies = _latencies.NextInvocation();
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[Concurrency];
        for (var w = 0; w < Concurrency; w++)
        {
            workers[w] = WorkerAsync(w, latencies);
        }
        await Task.WhenAll(workers);
        _latencies.Complete(Stopwatch.GetTimestamp() - started);
    }

    private async Task WorkerAsync(int worker, long[] latencies)
    {
        var grain = _grains[worker];
        var slot = worker * WritesPerWorker;
        for (var i = 0; i < WritesPerWorker; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var value = await grain.AddAsync(1);
            latencies[slot + i] = Stopwatch.GetTimestamp() - start;
            if (value != _values[worker] + 1)
            {
                throw new InvalidOperationException($"Writer {worker} returned {value}, expected {_values[worker] + 1}.");
            }
            _values[worker] = value;
        }
    }
}
