using System.Diagnostics;

namespace OrleansHub.LoadTest;

/// <summary>
/// Requests per second of the measured window: how many ended in that second, how many of them took longer
/// than <see cref="SlowMicros"/>, and the slowest. Tells a tail spread over the whole run (queueing) from one
/// made of a few bad seconds (a stall: a checkpoint, a collection, a pause).
/// </summary>
internal sealed class LatencyTimeline
{
    /// <summary>A request slower than this counts as slow (the REST target's p99 bound).</summary>
    public const long SlowMicros = 50_000;

    private const int MaxSeconds = 3000;

    private readonly long[] _count = new long[MaxSeconds];
    private readonly long[] _slow = new long[MaxSeconds];
    private readonly long[] _max = new long[MaxSeconds];
    private long _started;

    /// <summary>Second 0 starts now.</summary>
    public void Start() => Interlocked.Exchange(ref _started, Stopwatch.GetTimestamp());

    public void Record(long micros)
    {
        var second = (int)Stopwatch.GetElapsedTime(Interlocked.Read(ref _started)).TotalSeconds;
        if (second is < 0 or >= MaxSeconds)
        {
            return;
        }
        Interlocked.Increment(ref _count[second]);
        if (micros > SlowMicros)
        {
            Interlocked.Increment(ref _slow[second]);
        }
        long seen;
        while (micros > (seen = Interlocked.Read(ref _max[second])) && Interlocked.CompareExchange(ref _max[second], micros, seen) != seen)
        {
        }
    }

    /// <summary>Every second up to <paramref name="seconds"/> that had a request, in order.</summary>
    public IReadOnlyList<TimelineSecond> Seconds(int seconds) =>
        [.. Enumerable.Range(0, Math.Min(seconds, MaxSeconds))
            .Where(s => Interlocked.Read(ref _count[s]) > 0)
            .Select(s => new TimelineSecond(s, Interlocked.Read(ref _count[s]), Interlocked.Read(ref _slow[s]), Math.Round(Interlocked.Read(ref _max[s]) / 1000.0, 1)))];
}

/// <summary>One second of a <see cref="LatencyTimeline"/>.</summary>
internal sealed record TimelineSecond(int Second, long Requests, long Slow, double MaxMs);
