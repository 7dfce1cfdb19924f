using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace OrleansHub.Api.Metrics;

/// <summary>How an instrument's measurements become a series value.</summary>
internal enum SeriesKind
{
    /// <summary>Counter, UpDownCounter: measurements are increments.</summary>
    Added,

    /// <summary>Gauge: the last measurement is the value.</summary>
    Set,

    /// <summary>Observable instruments: read at scrape time; each reading is the whole state.</summary>
    Observed,

    /// <summary>Histogram: cumulative buckets, sum and count.</summary>
    Histogram,
}

/// <summary>One instrument's values per label set, and its Prometheus name, type and help.</summary>
internal sealed class InstrumentSeries
{
    /// <summary>The OpenTelemetry default boundaries for durations in seconds (ASP.NET Core advises the same).</summary>
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>The OpenTelemetry default explicit boundaries, for histograms of anything else.</summary>
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly ConcurrentDictionary<string, Point> _points = new(StringComparer.Ordinal);

    public InstrumentSeries(Instrument instrument)
    {
        var definition = instrument.GetType().GetGenericTypeDefinition();
        Kind = instrument.IsObservable ? SeriesKind.Observed
            : definition == typeof(Histogram<>) ? SeriesKind.Histogram
            : definition == typeof(Gauge<>) ? SeriesKind.Set
            : SeriesKind.Added;
        IsMonotonic = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>);
        Name = PrometheusText.MetricName(instrument.Name, instrument.Unit, IsMonotonic);
        Help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        Bounds = Kind == SeriesKind.Histogram ? BucketBounds(instrument) : [];
    }

    public SeriesKind Kind { get; }

    /// <summary>Counter (only increases): exposed as a Prometheus counter with a <c>_total</c> name.</summary>
    public bool IsMonotonic { get; }

    public string Name { get; }

    public string Help { get; }

    /// <summary>Histogram bucket upper bounds (the +Inf bucket is implied).</summary>
    public double[] Bounds { get; }

    public string PrometheusType => Kind == SeriesKind.Histogram ? "histogram" : IsMonotonic ? "counter" : "gauge";

    public ICollection<Point> Points => _points.Values;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var point = PointFor(tags);
        switch (Kind)
        {
            case SeriesKind.Added:
                point.Add(value);
                break;
            case SeriesKind.Histogram:
                point.Observe(value, Bounds);
                break;
            default:
                point.Set(value);
                break;
        }
    }

    public void Clear() => _points.Clear();

    private Point PointFor(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return _points.GetOrAdd("", static (_, series) => new Point([], series.Bounds.Length), this);
        }
        var labels = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(PrometheusText.LabelName(tags[i].Key), Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }
        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var key = string.Join('\u0001', labels.Select(label => label.Key + "\u0002" + label.Value));
        return _points.GetOrAdd(key, static (_, state) => new Point(state.labels, state.series.Bounds.Length), (labels, series: this));
    }

    private static double[] BucketBounds(Instrument instrument)
    {
        IReadOnlyList<double>? advised = instrument switch
        {
            Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => bounds,
            Histogram<float> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(bound => (double)bound)],
            Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(bound => (double)bound)],
            Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(bound => (double)bound)],
            _ => null,
        };
        return advised is not null ? [.. advised] : instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
    }

    /// <summary>The value of one label set: a number, or a histogram's buckets, sum and count.</summary>
    internal sealed class Point(KeyValuePair<string, string>[] labels, int bucketCount)
    {
        private readonly Lock _histogram = new();
        private readonly long[] _buckets = new long[bucketCount + 1];
        private double _value;
        private double _sum;
        private long _count;

        public KeyValuePair<string, string>[] Labels { get; } = labels;

        public double Value => Volatile.Read(ref _value);

        public void Add(double increment)
        {
            double seen, next;
            do
            {
                seen = Volatile.Read(ref _value);
                next = seen + increment;
            }
            // Bitwise, so a NaN cannot make the loop spin.
            while (BitConverter.DoubleToInt64Bits(Interlocked.CompareExchange(ref _value, next, seen)) != BitConverter.DoubleToInt64Bits(seen));
        }

        public void Set(double value) => Volatile.Write(ref _value, value);

        public void Observe(double value, double[] bounds)
        {
            var bucket = 0;
            while (bucket < bounds.Length && value > bounds[bucket])
            {
                bucket++;
            }
            lock (_histogram)
            {
                _buckets[bucket]++;
                _sum += value;
                _count++;
            }
        }

        /// <summary>A consistent copy: per-bucket counts (not cumulative), sum, count.</summary>
        public (long[] Buckets, double Sum, long Count) Snapshot()
        {
            lock (_histogram)
            {
                return ([.. _buckets], _sum, _count);
            }
        }
    }
}
