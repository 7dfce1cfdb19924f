using OrleansHub.Runtime.Tests.Infrastructure;

namespace OrleansHub.Runtime.Tests.Grains;

public interface IPingPongGrain : IGrainWithStringKey
{
    /// <summary>Notifies <paramref name="other"/> one-way; with an awaited call this would be half of a cycle.</summary>
    Task<string> ServeAsync(string other);

    /// <summary>Non-reentrant: cannot run while this grain's ServeAsync turn is open.</summary>
    Task RecordAsync(string from);

    /// <summary>One-way: calls back the sender, which is still inside its turn.</summary>
    [OneWay]
    Task NotifyAsync(string sender);

    [OneWay]
    Task FailAsync();

    [AlwaysInterleave]
    Task EchoAsync(string text);
}

[GrainType("pingpong")]
public sealed class PingPongGrain(Probe probe) : Grain, IPingPongGrain
{
    public async Task<string> ServeAsync(string other)
    {
        await GrainFactory.GetGrain<IPingPongGrain>(other).NotifyAsync(GetPrimaryKeyString());
        probe.Signal($"notified:{GetPrimaryKeyString()}");
        return "served";
    }

    public async Task NotifyAsync(string sender)
    {
        // Awaits the sender: fine, because the sender is not waiting for us.
        await GrainFactory.GetGrain<IPingPongGrain>(sender).RecordAsync(GetPrimaryKeyString());
        probe.Signal($"called-back:{sender}");
    }

    public Task RecordAsync(string from)
    {
        probe.Signal($"recorded:{GetPrimaryKeyString()}:{from}");
        return Task.CompletedTask;
    }

    public Task FailAsync() => throw new InvalidOperationException("one-way failure");

    public Task EchoAsync(string text) => Task.CompletedTask;
}
