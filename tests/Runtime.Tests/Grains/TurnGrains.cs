using OrleansHub.Runtime.Tests.Infrastructure;

namespace OrleansHub.Runtime.Tests.Grains;

/// <summary>Counts how many requests are inside the grain at once.</summary>
public interface IConcurrencyProbeGrain : IGrainWithStringKey
{
    /// <summary>Enters, yields a few times (where an interleaving would show), leaves.</summary>
    Task EnterAsync();

    /// <summary>Waits until <paramref name="expected"/> requests are inside at once (only possible if they interleave).</summary>
    Task WaitForCompanyAsync(int expected);

    Task<(int Calls, int MaxInside, int ParallelViolations)> GetStatsAsync();
}

public class ConcurrencyProbeBase : Grain
{
    private int _inside;
    private int _maxInside;
    private int _calls;
    private int _onThread;
    private int _parallelViolations;
    private TaskCompletionSource _company = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task EnterAsync()
    {
        Step(() => _inside++);
        for (var i = 0; i < 3; i++)
        {
            await Task.Yield();
            Step(() => _maxInside = Math.Max(_maxInside, _inside));
        }
        Step(() =>
        {
            _inside--;
            _calls++;
        });
    }

    public async Task WaitForCompanyAsync(int expected)
    {
        Step(() =>
        {
            _inside++;
            _maxInside = Math.Max(_maxInside, _inside);
            if (_inside >= expected)
            {
                _company.TrySetResult();
            }
        });
        await _company.Task;
        Step(() =>
        {
            _inside--;
            _calls++;
        });
    }

    public Task<(int Calls, int MaxInside, int ParallelViolations)> GetStatsAsync() =>
        Task.FromResult((_calls, _maxInside, _parallelViolations));

    // Detects two threads inside grain code at once, which the activation scheduler must prevent.
    private void Step(Action action)
    {
        if (Interlocked.Exchange(ref _onThread, 1) == 1)
        {
            Interlocked.Increment(ref _parallelViolations);
        }
        action();
        Thread.SpinWait(20);
        Volatile.Write(ref _onThread, 0);
    }
}

[GrainType("turns")]
public sealed class NonReentrantProbeGrain : ConcurrencyProbeBase, IConcurrencyProbeGrain;

public interface IReentrantProbeGrain : IConcurrencyProbeGrain;

[Reentrant]
[GrainType("reentrant")]
public sealed class ReentrantProbeGrain : ConcurrencyProbeBase, IReentrantProbeGrain;

public interface IGateGrain : IGrainWithStringKey
{
    /// <summary>Blocks the (non-reentrant) grain until <see cref="OpenAsync"/>.</summary>
    Task<string> HoldAsync();

    [AlwaysInterleave]
    Task OpenAsync();

    [AlwaysInterleave]
    Task<bool> IsHeldAsync();

    Task<string> EchoAsync(string text);
}

[GrainType("gate")]
public sealed class GateGrain(Probe probe) : Grain, IGateGrain
{
    private TaskCompletionSource Gate => probe.Gate(GetPrimaryKeyString());

    public async Task<string> HoldAsync()
    {
        probe.Signal($"held:{GetPrimaryKeyString()}");
        await Gate.Task;
        return "released";
    }

    public Task OpenAsync()
    {
        Gate.TrySetResult();
        return Task.CompletedTask;
    }

    public Task<bool> IsHeldAsync() => Task.FromResult(!Gate.Task.IsCompleted);

    public Task<string> EchoAsync(string text) => Task.FromResult(text);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Signal($"deactivated:{GetPrimaryKeyString()}:{reason.Code}");
        return Task.CompletedTask;
    }
}

public interface ICycleGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="next"/>, which calls back: a cycle between non-reentrant grains.</summary>
    Task<string> CallAsync(string next, int hops);

    Task<string> FailAsync(string message);
}

[GrainType("cycle")]
public sealed class CycleGrain : Grain, ICycleGrain
{
    public async Task<string> CallAsync(string next, int hops)
    {
        if (hops == 0)
        {
            return GetPrimaryKeyString();
        }
        return await GrainFactory.GetGrain<ICycleGrain>(next).CallAsync(GetPrimaryKeyString(), hops - 1);
    }

    public Task<string> FailAsync(string message) => throw new InvalidOperationException(message);
}
