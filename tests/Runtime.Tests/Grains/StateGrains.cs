using OrleansHub.Runtime.Streams;
using OrleansHub.Runtime.Tests.Infrastructure;

namespace OrleansHub.Runtime.Tests.Grains;

public sealed class CounterState
{
    public int Value { get; set; }

    public int ActivationsSeen { get; set; }

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

    Task DeactivateAsync();

    Task KeepAliveAsync(TimeSpan timeSpan);
}

[GrainType("counter")]
public sealed class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    Probe probe) : Grain, ICounterGrain
{
    private int _valueAtActivation;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _valueAtActivation = state.State.Value;
        probe.Signal($"activated:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Signal($"deactivated:{GetPrimaryKeyString()}");
        probe.Signal($"deactivated:{GetPrimaryKeyString()}:{reason.Code}");
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync(params string[] streams)
    {
        state.State.Value++;
        state.State.History.Add($"+1 -> {state.State.Value}");
        var data = new CounterChanged(GetPrimaryKeyString(), state.State.Value);
        await state.WriteStateAsync([.. streams.Select(s => new StreamEvent(StreamId.Parse(s), "counter.changed", data))]);
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task<int> GetValueSeenAtActivationAsync() => Task.FromResult(_valueAtActivation);

    public Task<string?> GetEtagAsync() => Task.FromResult(state.Etag);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task KeepAliveAsync(TimeSpan timeSpan)
    {
        DelayDeactivation(timeSpan);
        return Task.CompletedTask;
    }
}
