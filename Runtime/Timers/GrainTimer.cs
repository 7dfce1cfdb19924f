using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Calls;

namespace OrleansHub.Runtime.Timers;

/// <summary>
/// A timer owned by one activation. Each tick is a request on the activation (so it respects turns) that
/// does not count as activity; the next tick is armed only after the callback has finished.
/// </summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeSpan _period;
    private readonly CancellationTokenSource _stopped = new();
    private readonly ITimer _timer;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeSpan period)
    {
        _activation = activation;
        _callback = callback;
        _period = period;
        _timer = TimeProvider.System.CreateTimer(
            static s => ((GrainTimer)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Start(TimeSpan dueTime) => Arm(dueTime);

    private void Arm(TimeSpan dueTime)
    {
        if (!_stopped.IsCancellationRequested)
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private void Tick()
    {
        if (_stopped.IsCancellationRequested)
        {
            return;
        }
        var request = new GrainRequest<object?>(InvokeAsync, [], interleaves: false, keepsAlive: false);
        if (!_activation.TryEnqueue(request))
        {
            return; // the activation is ending; so is its timer
        }
        request.Task.ContinueWith(
            static (_, s) =>
            {
                var timer = (GrainTimer)s!;
                if (timer._period != Timeout.InfiniteTimeSpan)
                {
                    timer.Arm(timer._period);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<object?> InvokeAsync(object grain, object?[] arguments)
    {
        try
        {
            await _callback(_stopped.Token);
        }
        catch (Exception exception) when (!_stopped.IsCancellationRequested)
        {
            _activation.Runtime.Log.TimerFailed(_activation.Id, exception);
        }
        return null;
    }

    /// <summary>Stops the timer without unregistering it (the activation is clearing its list).</summary>
    public void Stop()
    {
        _stopped.Cancel();
        _timer.Dispose();
    }

    public void Dispose()
    {
        Stop();
        _activation.RemoveTimer(this);
        // _stopped is not disposed: a tick already queued still reads its token.
    }
}
