using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using OrleansHub.Benchmarks.Infrastructure;

namespace OrleansHub.Benchmarks;

/// <summary>
/// One short in-process job for every benchmark. Each invocation is a whole concurrent run (hundreds of
/// thousands of pings, or thousands of writes), so one invocation per iteration is enough and the run stays
/// bounded. Operations per invoke make BenchmarkDotNet's Mean the time per call and Op/s the calls per second.
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    /// <summary>Measured iterations; invocations before these (jitting, warmup) are left out of the latency percentiles.</summary>
    public const int IterationCount = 15;

    public const int WarmupCount = 10;

    public BenchmarkConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(WarmupCount)
            .WithIterationCount(IterationCount)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("InProcess"));
        AddDiagnoser(MemoryDiagnoser.Default, ThreadingDiagnoser.Default);
        AddColumn(StatisticColumn.OperationsPerSecond);
        AddColumn(LatencyColumn.All);
    }
}
