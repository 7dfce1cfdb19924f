using System.Collections.Concurrent;

namespace OrleansHub.LoadTest;

/// <summary>Counters shared by every connection and writer. Latencies are kept only while <see cref="Measuring"/>.</summary>
internal sealed class LoadStats
{
    private long _events;
    private long _measuredEvents;
    private long _lost;
    private long _outOfOrder;
    private long _requests;
    private long _measuredRequests;
    private long _requestErrors;
    private volatile bool _measuring;

    public LatencyHistogram EventLatency { get; } = new();

    public LatencyHistogram RestLatency { get; } = new();

    public ConcurrentDictionary<string, LatencyHistogram> RestByOperation { get; } = new();

    public LatencyTimeline RestTimeline { get; } = new();

    public ConcurrentDictionary<string, long> RequestErrors { get; } = new();

    public ConcurrentDictionary<string, long> CloseReasons { get; } = new();

    public bool Measuring
    {
        get => _measuring;
        set
        {
            if (value)
            {
                RestTimeline.Start();
            }
            _measuring = value;
        }
    }

    public long Events => Interlocked.Read(ref _events);

    public long MeasuredEvents => Interlocked.Read(ref _measuredEvents);

    public long LostEvents => Interlocked.Read(ref _lost);

    public long OutOfOrderEvents => Interlocked.Read(ref _outOfOrder);

    public long Requests => Interlocked.Read(ref _requests);

    public long MeasuredRequests => Interlocked.Read(ref _measuredRequests);

    public long FailedRequests => Interlocked.Read(ref _requestErrors);

    public long Closes => CloseReasons.Values.Sum();

    public void Event(long latencyMicros)
    {
        Interlocked.Increment(ref _events);
        if (_measuring)
        {
            Interlocked.Increment(ref _measuredEvents);
            EventLatency.Record(latencyMicros);
        }
    }

    public void Lost(long count) => Interlocked.Add(ref _lost, count);

    public void OutOfOrder() => Interlocked.Increment(ref _outOfOrder);

    public void Closed(string reason) => CloseReasons.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void Request(string operation, long latencyMicros, string? error)
    {
        Interlocked.Increment(ref _requests);
        if (error is not null)
        {
            Interlocked.Increment(ref _requestErrors);
            RequestErrors.AddOrUpdate($"{operation}: {error}", 1, (_, n) => n + 1);
        }
        if (_measuring)
        {
            Interlocked.Increment(ref _measuredRequests);
            RestLatency.Record(latencyMicros);
            RestTimeline.Record(latencyMicros);
            RestByOperation.GetOrAdd(operation, _ => new LatencyHistogram()).Record(latencyMicros);
        }
    }
}
