namespace OrleansHub.LoadTest;

/// <summary>
/// A lock-free log-linear histogram of microsecond values (exact below 256 µs, then 128 sub-buckets per power of
/// two: under 1 % error), so millions of samples cost a few kilobytes and no allocation per sample.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 256;
    private const int SubBuckets = 128;
    private const int SubBits = 7;
    private const int FirstExponent = 8;
    private const int Exponents = 40;

    private readonly long[] _counts = new long[Linear + (Exponents * SubBuckets)];
    private long _count;
    private long _sum;
    private long _max;
    private long _min = long.MaxValue;

    public long Count => Interlocked.Read(ref _count);

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        Interlocked.Increment(ref _counts[Index(micros)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, micros);
        long seen;
        while (micros > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, seen) != seen)
        {
        }
        while (micros < (seen = Interlocked.Read(ref _min)) && Interlocked.CompareExchange(ref _min, micros, seen) != seen)
        {
        }
    }

    /// <summary>p50, p90, p99, p99.9, max and mean in milliseconds; nulls when there is no sample.</summary>
    public LatencySummary Summarize()
    {
        var count = Count;
        if (count == 0)
        {
            return new LatencySummary(0, null, null, null, null, null, null, null);
        }
        return new LatencySummary(
            count,
            Millis(Interlocked.Read(ref _min)),
            Millis(Percentile(count, 0.50)),
            Millis(Percentile(count, 0.90)),
            Millis(Percentile(count, 0.99)),
            Millis(Percentile(count, 0.999)),
            Millis(Interlocked.Read(ref _max)),
            Math.Round(Interlocked.Read(ref _sum) / (double)count / 1000, 3));
    }

    private long Percentile(long count, double quantile)
    {
        var rank = (long)Math.Ceiling(quantile * count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Interlocked.Read(ref _max));
            }
        }
        return Interlocked.Read(ref _max);
    }

    private static int Index(long micros)
    {
        if (micros < Linear)
        {
            return (int)micros;
        }
        var exponent = (int)Math.Min(63 - long.LeadingZeroCount(micros), FirstExponent + Exponents - 1);
        var sub = (int)((micros >> (exponent - SubBits)) & (SubBuckets - 1));
        return Linear + ((exponent - FirstExponent) * SubBuckets) + sub;
    }

    // The largest value that lands in the bucket: percentiles never come out lower than measured.
    private static long UpperBound(int index)
    {
        if (index < Linear)
        {
            return index;
        }
        var exponent = ((index - Linear) / SubBuckets) + FirstExponent;
        var sub = (index - Linear) % SubBuckets;
        var width = 1L << (exponent - SubBits);
        return (1L << exponent) + (sub * width) + width - 1;
    }

    private static double Millis(long micros) => Math.Round(micros / 1000.0, 3);
}

internal sealed record LatencySummary(long Count, double? MinMs, double? P50Ms, double? P90Ms, double? P99Ms, double? P999Ms, double? MaxMs, double? MeanMs);
