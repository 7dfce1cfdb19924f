using OrleansHub.Runtime;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Benchmarks.Grains;

/// <summary>The smallest possible call: measures the runtime's call path, not grain code.</summary>
public interface IPingGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="x"/> + 1.</summary>
    Task<int> PingAsync(int x);
}

[GrainType("bench-ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> PingAsync(int x) => Task.FromResult(x + 1);
}

/// <summary>A persisted counter that announces every change on its own stream (state + outbox event, one transaction).</summary>
public interface IWriterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="delta"/>, writes the state with a "bench.changed" event and returns the new value.</summary>
    Task<long> AddAsync(long delta);
}

public sealed class BenchState
{
    public long Value { get; set; }
}

public sealed record BenchChanged(string Key, long Value);

[GrainType("bench-writer")]
public sealed class WriterGrain([PersistentState("s")] IPersistentState<BenchState> state) : Grain, IWriterGrain
{
    public async Task<long> AddAsync(long delta)
    {
        var key = GetPrimaryKeyString();
        state.State.Value += delta;
        await state.WriteStateAsync(
            new StreamEvent(StreamId.Parse($"bench:{key}"), "bench.changed", new BenchChanged(key, state.State.Value)));
        return state.State.Value;
    }
}
