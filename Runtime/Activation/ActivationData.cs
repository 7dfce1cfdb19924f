using OrleansHub.Runtime.Calls;
using OrleansHub.Runtime.Persistence;
using OrleansHub.Runtime.Timers;

namespace OrleansHub.Runtime.Activation;

/// <summary>
/// One activation of one grain: its mailbox, its scheduler and its lifecycle (docs/runtime.md).
/// All mailbox and state changes happen under <see cref="_lock"/>; grain code runs on <see cref="Scheduler"/>.
/// </summary>
internal sealed class ActivationData
{
    private readonly Lock _lock = new();
    private readonly Queue<GrainRequest> _waiting = new();
    private readonly List<GrainRequest> _running = [];
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActivationState _state = ActivationState.Created;
    private DeactivationReason? _deactivationReason;
    private long _lastActivityMs = Environment.TickCount64;
    private long _keepAliveUntilMs;
    private object? _instance;
    private bool _startsEmpty;

    public ActivationData(GrainId id, GrainClassInfo grainClass, GrainRuntime runtime)
    {
        Id = id;
        GrainClass = grainClass;
        Runtime = runtime;
        Scheduler = new ActivationScheduler(this);
    }

    public GrainId Id { get; }

    public GrainClassInfo GrainClass { get; }

    public GrainRuntime Runtime { get; }

    public ActivationScheduler Scheduler { get; }

    /// <summary>Completes when the activation is gone; callers that found it deactivating retry after it.</summary>
    public Task Deactivated => _deactivated.Task;

    internal List<IStateLoader> States { get; } = [];

    public bool IsIdle(long nowMs, long idleMs)
    {
        lock (_lock)
        {
            return _state == ActivationState.Valid && _running.Count == 0 && _waiting.Count == 0
                && nowMs - _lastActivityMs >= idleMs && nowMs >= _keepAliveUntilMs;
        }
    }

    public bool HasWork
    {
        get
        {
            lock (_lock)
            {
                return _running.Count > 0 || _waiting.Count > 0 || _state == ActivationState.Activating;
            }
        }
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        lock (_lock)
        {
            _keepAliveUntilMs = timeSpan == TimeSpan.MaxValue
                ? long.MaxValue
                : Math.Max(_keepAliveUntilMs, Environment.TickCount64 + (long)timeSpan.TotalMilliseconds);
        }
    }

    /// <summary>Accepts a request, or returns false when the activation is deactivating (retry elsewhere).</summary>
    public bool TryEnqueue(GrainRequest request)
    {
        var activate = false;
        var start = false;
        lock (_lock)
        {
            if (_state >= ActivationState.Deactivating)
            {
                return false;
            }
            if (request.KeepsAlive)
            {
                _lastActivityMs = Environment.TickCount64;
            }
            if (_state == ActivationState.Created)
            {
                // The request that creates the activation decides whether its states are read.
                _startsEmpty = request.NewGrain;
                _state = ActivationState.Activating;
                _waiting.Enqueue(request);
                activate = true;
            }
            else if (_state == ActivationState.Valid && CanStart(request))
            {
                _running.Add(request);
                start = true;
            }
            else
            {
                _waiting.Enqueue(request);
            }
        }
        if (activate)
        {
            Scheduler.Run(static s => ((ActivationData)s!).ActivateAsync(), this);
        }
        else if (start)
        {
            Start(request);
        }
        return true;
    }

    // Caller holds _lock.
    private bool CanStart(GrainRequest request) =>
        GrainClass.Reentrant || request.Interleaves || (_running.Count == 0 && _waiting.Count == 0);

    private void Start(GrainRequest request) =>
        Scheduler.Run(static s => ((RequestRun)s!).ExecuteAsync(), new RequestRun(this, request));

    private sealed class RequestRun(ActivationData activation, GrainRequest request)
    {
        public async Task ExecuteAsync()
        {
            try
            {
                await request.RunAsync(activation._instance!);
            }
            finally
            {
                activation.OnRequestCompleted(request);
            }
        }
    }

    private void OnRequestCompleted(GrainRequest request)
    {
        List<GrainRequest>? next = null;
        var deactivate = false;
        lock (_lock)
        {
            _running.Remove(request);
            if (request.KeepsAlive)
            {
                _lastActivityMs = Environment.TickCount64;
            }
            if (_state == ActivationState.Deactivating)
            {
                deactivate = _running.Count == 0;
            }
            else
            {
                next = TakeStartable();
            }
        }
        StartAll(next);
        if (deactivate)
        {
            Scheduler.Run(static s => ((ActivationData)s!).DeactivateAsync(), this);
        }
    }

    // Caller holds _lock. Moves the requests that may start now from the queue to the running set.
    private List<GrainRequest>? TakeStartable()
    {
        List<GrainRequest>? startable = null;
        while (_waiting.TryPeek(out var head)
            && (GrainClass.Reentrant || head.Interleaves || _running.Count == 0))
        {
            _waiting.Dequeue();
            if (head.IsCompleted)
            {
                continue; // timed out while queued: never runs
            }
            _running.Add(head);
            (startable ??= []).Add(head);
        }
        return startable;
    }

    private void StartAll(List<GrainRequest>? requests)
    {
        if (requests is null)
        {
            return;
        }
        foreach (var request in requests)
        {
            Start(request);
        }
    }

    private async Task ActivateAsync()
    {
        try
        {
            _instance = Runtime.Activator.CreateInstance(this);
            if (!_startsEmpty)
            {
                foreach (var state in States)
                {
                    await state.ReadStateAsync(CancellationToken.None);
                }
            }
            if (_instance is Grain grain)
            {
                using var timeout = new CancellationTokenSource(Runtime.Options.ResponseTimeout);
                await grain.OnActivateAsync(timeout.Token);
            }
        }
        catch (Exception exception)
        {
            Runtime.Log.ActivationFailed(Id, exception);
            List<GrainRequest> failed;
            lock (_lock)
            {
                _state = ActivationState.Deactivated;
                failed = [.. _waiting];
                _waiting.Clear();
            }
            Runtime.Catalog.Remove(this);
            _deactivated.TrySetResult();
            foreach (var request in failed)
            {
                request.Fail(exception);
            }
            return;
        }

        List<GrainRequest>? first;
        var deactivate = false;
        lock (_lock)
        {
            if (_state == ActivationState.Deactivating)
            {
                deactivate = true; // asked to deactivate while activating (e.g. shutdown)
                first = null;
            }
            else
            {
                _state = ActivationState.Valid;
                first = TakeStartable();
            }
        }
        StartAll(first);
        if (deactivate)
        {
            await DeactivateAsync();
        }
    }

    /// <summary>Deactivate once running requests finish. Safe to call more than once.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        var now = false;
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Deactivated)
            {
                return;
            }
            var wasActivating = _state == ActivationState.Activating;
            _deactivationReason = reason;
            _state = ActivationState.Deactivating;
            now = !wasActivating && _running.Count == 0;
        }
        if (now)
        {
            Scheduler.Run(static s => ((ActivationData)s!).DeactivateAsync(), this);
        }
    }

    /// <summary>Deactivates only if still idle (the collector's check raced with new calls).</summary>
    public void DeactivateIfIdle(long nowMs, long idleMs)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _running.Count > 0 || _waiting.Count > 0 || nowMs - _lastActivityMs < idleMs
                || nowMs < _keepAliveUntilMs)
            {
                return;
            }
            _deactivationReason = new DeactivationReason(DeactivationReasonCode.ActivationIdle, "idle");
            _state = ActivationState.Deactivating;
        }
        Scheduler.Run(static s => ((ActivationData)s!).DeactivateAsync(), this);
    }

    private async Task DeactivateAsync()
    {
        lock (_timers)
        {
            foreach (var timer in _timers)
            {
                timer.Stop();
            }
            _timers.Clear();
        }
        if (_instance is Grain grain)
        {
            try
            {
                using var timeout = new CancellationTokenSource(Runtime.Options.DeactivationTimeout);
                await grain.OnDeactivateAsync(_deactivationReason!, timeout.Token).WaitAsync(timeout.Token);
            }
            catch (Exception exception)
            {
                Runtime.Log.DeactivationFailed(Id, exception);
            }
        }
        List<GrainRequest> forward;
        lock (_lock)
        {
            _state = ActivationState.Deactivated;
            forward = [.. _waiting];
            _waiting.Clear();
        }
        Runtime.Catalog.Remove(this);
        _deactivated.TrySetResult();
        foreach (var request in forward)
        {
            Runtime.Catalog.Dispatch(Id, request);
        }
    }

    /// <summary>Fails requests older than the response timeout; queued ones are dropped, running ones stop being awaited.</summary>
    public void ExpireRequests(long nowMs, long timeoutMs)
    {
        List<GrainRequest>? expired = null;
        lock (_lock)
        {
            foreach (var request in _running)
            {
                if (!request.IsCompleted && nowMs - request.CreatedAtMs >= timeoutMs)
                {
                    (expired ??= []).Add(request);
                }
            }
            if (_waiting.Count > 0)
            {
                var keep = new List<GrainRequest>(_waiting.Count);
                foreach (var request in _waiting)
                {
                    if (nowMs - request.CreatedAtMs >= timeoutMs)
                    {
                        (expired ??= []).Add(request);
                    }
                    else
                    {
                        keep.Add(request);
                    }
                }
                if (keep.Count != _waiting.Count)
                {
                    _waiting.Clear();
                    keep.ForEach(_waiting.Enqueue);
                }
            }
        }
        if (expired is null)
        {
            return;
        }
        foreach (var request in expired)
        {
            request.Fail(new TimeoutException(
                $"Response did not arrive on time in {TimeSpan.FromMilliseconds(timeoutMs)} for a call to {Id}."));
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, period);
        lock (_timers)
        {
            _timers.Add(timer);
        }
        timer.Start(dueTime);
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_timers)
        {
            _timers.Remove(timer);
        }
    }
}
