using OrleansHub.Runtime.Tests.Infrastructure;

namespace OrleansHub.Runtime.Tests.Grains;

public sealed class ReminderLog
{
    public List<DateTimeOffset> Ticks { get; set; } = [];
}

public interface IReminderGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan due, TimeSpan period);

    Task StopAsync();

    Task<int> GetTickCountAsync();

    Task<bool> IsRegisteredAsync();

    /// <summary>Registers "tick" with a state write; <paramref name="failWrite"/> makes that write fail.</summary>
    Task StartWithWriteAsync(TimeSpan due, TimeSpan period, bool failWrite);

    /// <summary>Removes "tick" with a state write.</summary>
    Task StopWithWriteAsync();
}

[GrainType("reminder")]
public sealed class ReminderGrain(
    [PersistentState("log")] IPersistentState<ReminderLog> state,
    Probe probe) : Grain, IReminderGrain, IRemindable
{
    public Task StartAsync(TimeSpan due, TimeSpan period) => RegisterOrUpdateReminder("tick", due, period);

    public async Task StopAsync()
    {
        if (await GetReminder("tick") is { } reminder)
        {
            await UnregisterReminder(reminder);
        }
    }

    public Task<int> GetTickCountAsync() => Task.FromResult(state.State.Ticks.Count);

    public async Task<bool> IsRegisteredAsync() => await GetReminder("tick") is not null;

    public Task StartWithWriteAsync(TimeSpan due, TimeSpan period, bool failWrite) =>
        state.WriteStateAsync([], failWrite
            ? [RegisterReminderWithWrite("tick", due, period), new IndexUpdate("SELECT 1 / 0")]
            : [RegisterReminderWithWrite("tick", due, period)]);

    public Task StopWithWriteAsync() => state.WriteStateAsync([], [UnregisterReminderWithWrite("tick")]);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks.Add(status.CurrentTickTime);
        await state.WriteStateAsync();
        probe.Signal($"reminder:{GetPrimaryKeyString()}");
    }
}

public interface ITimerGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period);

    Task StopAsync();

    Task<(int Ticks, int OverlapsWithCalls)> GetAsync();

    /// <summary>A slow non-reentrant call; a tick must not run inside it.</summary>
    Task BusyAsync();
}

[GrainType("timer")]
public sealed class TimerGrain(Probe probe) : Grain, ITimerGrain
{
    private IDisposable? _timer;
    private int _ticks;
    private bool _inCall;
    private int _overlaps;

    public Task StartAsync(TimeSpan period)
    {
        _timer = RegisterGrainTimer(_ =>
        {
            if (_inCall)
            {
                _overlaps++;
            }
            _ticks++;
            probe.Signal($"tick:{GetPrimaryKeyString()}");
            return Task.CompletedTask;
        }, period, period);
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task<(int Ticks, int OverlapsWithCalls)> GetAsync() => Task.FromResult((_ticks, _overlaps));

    public async Task BusyAsync()
    {
        _inCall = true;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(5);
        }
        _inCall = false;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Signal($"deactivated:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }
}
