using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace OrleansHub.Api.Conventions.RateLimiting;

/// <summary>What a client is told about its window: <c>X-RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Reset</c>.</summary>
internal readonly record struct WindowState(int Limit, int Remaining, DateTimeOffset ResetAt);

/// <summary>
/// A fixed-window limiter whose windows are aligned to the clock (a 60 s window runs from one whole
/// minute to the next), so the limit, the permits left and the moment they come back are exact
/// numbers that the <c>X-RateLimit-*</c> headers can state truthfully. The framework's
/// <see cref="FixedWindowRateLimiter"/> keeps its window start private, and a token bucket has no
/// single reset time. No queueing: a request over the limit is rejected at once.
/// </summary>
internal sealed class WindowLimiter : RateLimiter
{
    private readonly Lock _lock = new();
    private readonly WindowLimiterRegistry _registry;
    private readonly string _key;
    private readonly TimeProvider _clock;
    private readonly long _windowTicks;
    private long _windowIndex;
    private int _used;
    private long _lastUsedTicks;
    private long _successful;
    private long _failed;

    public WindowLimiter(WindowLimiterRegistry registry, string key, int limit, TimeSpan window, TimeProvider clock)
    {
        _registry = registry;
        _key = key;
        Limit = limit;
        _clock = clock;
        _windowTicks = window.Ticks;
        var now = clock.GetUtcNow().UtcTicks;
        _windowIndex = now / _windowTicks;
        _lastUsedTicks = now;
    }

    public int Limit { get; }

    /// <summary>
    /// Lets the framework's partitioned limiter drop this one once its current window is untouched,
    /// so an address that stopped calling costs no memory; the counts it held were already spent.
    /// </summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = _clock.GetUtcNow().UtcTicks;
                Roll(now);
                return _used == 0 ? TimeSpan.FromTicks(now - _lastUsedTicks) : null;
            }
        }
    }

    public WindowState State
    {
        get
        {
            lock (_lock)
            {
                Roll(_clock.GetUtcNow().UtcTicks);
                return new WindowState(Limit, Limit - _used, ResetAt());
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Roll(_clock.GetUtcNow().UtcTicks);
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Limit - _used,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        lock (_lock)
        {
            var now = _clock.GetUtcNow().UtcTicks;
            Roll(now);
            if (permitCount <= Limit - _used)
            {
                _used += permitCount;
                _lastUsedTicks = now;
                _successful++;
                return WindowLease.Acquired;
            }

            _failed++;
            return WindowLease.Rejected(ResetAt() - new DateTimeOffset(now, TimeSpan.Zero));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    protected override void Dispose(bool disposing)
    {
        _registry.Remove(_key, this);
        base.Dispose(disposing);
    }

    private void Roll(long nowTicks)
    {
        var index = nowTicks / _windowTicks;
        if (index != _windowIndex)
        {
            _windowIndex = index;
            _used = 0;
        }
    }

    private DateTimeOffset ResetAt() => new((_windowIndex + 1) * _windowTicks, TimeSpan.Zero);

    private sealed class WindowLease : RateLimitLease
    {
        public static readonly WindowLease Acquired = new(true, null);

        private readonly TimeSpan? _retryAfter;

        private WindowLease(bool isAcquired, TimeSpan? retryAfter)
        {
            IsAcquired = isAcquired;
            _retryAfter = retryAfter;
        }

        public override bool IsAcquired { get; }

        public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public static WindowLease Rejected(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (_retryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}

/// <summary>
/// The live limiters by partition key ("auth|ip:127.0.0.1"), so the response headers can read the
/// state of the very limiter that admitted or rejected the request. The framework's partitioned
/// limiter owns their lifetime (creates them through <see cref="GetOrCreate"/>, disposes idle ones).
/// </summary>
internal sealed class WindowLimiterRegistry(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, WindowLimiter> _limiters = new(StringComparer.Ordinal);

    public WindowLimiter GetOrCreate(string key, WindowLimit limit) =>
        _limiters.GetOrAdd(key, static (key, state) => new WindowLimiter(state.Registry, key, state.Limit.PermitLimit, state.Limit.Window, state.Clock),
            (Registry: this, Limit: limit, Clock: clock));

    public WindowLimiter? Find(string key) => _limiters.GetValueOrDefault(key);

    public void Remove(string key, WindowLimiter limiter) => _limiters.TryRemove(new KeyValuePair<string, WindowLimiter>(key, limiter));

    /// <summary>The state a limiter that does not exist (yet, or any more) would report: a fresh window.</summary>
    public WindowState Fresh(WindowLimit limit)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var window = limit.Window.Ticks;
        return new WindowState(limit.PermitLimit, limit.PermitLimit, new DateTimeOffset((now / window + 1) * window, TimeSpan.Zero));
    }
}
