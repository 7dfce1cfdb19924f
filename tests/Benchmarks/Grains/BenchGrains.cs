using Orleans.Runtime;
using StreamId = OrleansHub.Outbox.EventLog.StreamId;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Benchmarks.Grains;

/// <summary>The smallest possible call: measures Orleans' call path, not grain code.</summary>
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

/// <summary>A persisted counter; <see cref="AddAsync"/> writes it and returns the new value.</summary>
public interface IWriterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="delta"/>, writes the state and returns the new value.</summary>
    Task<long> AddAsync(long delta);
}

public sealed class BenchState
{
    public long Value { get; set; }
}

public sealed record BenchChanged(string Key, long Value);

/// <summary>The outbox provider: every write is the state row plus a "bench.changed" event, one transaction.</summary>
[GrainType("bench-writer")]
public sealed class OutboxWriterGrain([OutboxState("s")] IOutboxState<BenchState> state) : Grain, IWriterGrain
{
    public async Task<long> AddAsync(long delta)
    {
        var key = this.GetPrimaryKeyString();
        state.State.Value += delta;
        await state.WriteStateAsync(
            new StreamEvent(StreamId.Parse($"bench:{key}"), "bench.changed", new BenchChanged(key, state.State.Value)));
        return state.State.Value;
    }
}

/// <summary>Orleans' ADO.NET provider (System.Text.Json): the state row only, as it has no events to write.</summary>
[GrainType("bench-adonet-writer")]
public sealed class AdoNetWriterGrain([PersistentState("s", BenchStorage.AdoNet)] IPersistentState<BenchState> state) : Grain, IWriterGrain
{
    public async Task<long> AddAsync(long delta)
    {
        state.State.Value += delta;
        await state.WriteStateAsync();
        return state.State.Value;
    }
}

/// <summary>Grain storage names of the benchmarks.</summary>
public static class BenchStorage
{
    public const string AdoNet = "adonet";
}
