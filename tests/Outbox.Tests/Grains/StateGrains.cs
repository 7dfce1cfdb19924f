using Orleans.Placement;
using Orleans.Runtime;
using StreamId = OrleansHub.Outbox.EventLog.StreamId;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Tests.Infrastructure;

namespace OrleansHub.Outbox.Tests.Grains;

public sealed class CounterState
{
    public int Value { get; set; }

    public List<string> History { get; set; } = [];
}

public sealed record CounterChanged(string Counter, int Value);

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one, writes, and appends a "counter.changed" event to each of <paramref name="streams"/>.</summary>
    Task<int> IncrementAsync(params string[] streams);

    Task<int> GetAsync();

    /// <summary>The value as read in OnActivateAsync (state is loaded before it runs).</summary>
    Task<int> GetValueSeenAtActivationAsync();

    Task<string?> GetEtagAsync();

    /// <summary>The silo this activation lives on.</summary>
    Task<string> GetSiloAsync();

    Task DeactivateAsync();
}

/// <summary>A counter in the outbox storage that reports its activations and deactivations to the test's probe.</summary>
[GrainType("counter")]
public sealed class CounterGrain(
    [OutboxState("counter")] IOutboxState<CounterState> state,
    Probe probe) : Grain, ICounterGrain
{
    private int _valueAtActivation;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _valueAtActivation = state.State.Value;
        probe.Signal($"activated:{this.GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Signal($"deactivated:{this.GetPrimaryKeyString()}");
        probe.Signal($"deactivated:{this.GetPrimaryKeyString()}:{reason.ReasonCode}");
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync(params string[] streams)
    {
        state.State.Value++;
        state.State.History.Add($"+1 -> {state.State.Value}");
        var data = new CounterChanged(this.GetPrimaryKeyString(), state.State.Value);
        await state.WriteStateAsync([.. streams.Select(s => new StreamEvent(StreamId.Parse(s), "counter.changed", data))]);
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task<int> GetValueSeenAtActivationAsync() => Task.FromResult(_valueAtActivation);

    public Task<string?> GetEtagAsync() => Task.FromResult(state.Etag);

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>A counter that lives on the silo that first calls it (placement tests call it from a chosen silo).</summary>
public interface ILocalCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and appends the value to <paramref name="stream"/>; returns the silo it ran on.</summary>
    Task<string> IncrementAsync(string stream);
}

[GrainType("local-counter"), PreferLocalPlacement]
public sealed class LocalCounterGrain([OutboxState("counter")] IOutboxState<CounterState> state) : Grain, ILocalCounterGrain
{
    public async Task<string> IncrementAsync(string stream)
    {
        state.State.Value++;
        await state.WriteStateAsync(new StreamEvent(StreamId.Parse(stream), "counter.changed", new { value = state.State.Value }));
        return RuntimeIdentity;
    }
}
