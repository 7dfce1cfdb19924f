using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using Prometheus;

namespace OrleansHub.Api.Metrics;

/// <summary>
/// The prometheus-net collectors one <see cref="Instrument"/> writes into: a family named by
/// <see cref="PrometheusNames"/>, with one collector per set of tag names the instrument records with
/// (prometheus-net lets the collectors of a family differ in label names; HELP and TYPE are written once).
/// </summary>
internal sealed class InstrumentCollectors
{
    /// <summary>The OpenTelemetry default boundaries for durations in seconds (ASP.NET Core advises the same).</summary>
    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>The OpenTelemetry default explicit boundaries, for histograms of anything else.</summary>
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly IMetricFactory _factory;
    private readonly Lock _grow = new();

    // Copy on write: a measurement reads it without a lock; a new tag-name set (rare) replaces it.
    private LabelSet[] _labelSets = [];

    // Observable instruments report their whole state at each read: what the last read saw, and this read.
    private HashSet<ChildBase> _observed = new(ReferenceEqualityComparer.Instance);
    private HashSet<ChildBase> _observing = new(ReferenceEqualityComparer.Instance);

    /// <summary>Declares the family at once (HELP and TYPE, no sample until a measurement), so it is listed before its first value.</summary>
    public InstrumentCollectors(Instrument instrument, IMetricFactory factory)
    {
        _factory = factory;
        var definition = instrument.GetType().GetGenericTypeDefinition();
        Type = definition == typeof(Histogram<>) ? FamilyType.Histogram
            : definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? FamilyType.Counter
            : FamilyType.Gauge;
        IsObservable = instrument.IsObservable;
        IsIncrement = !IsObservable && (definition == typeof(Counter<>) || definition == typeof(UpDownCounter<>));
        Name = PrometheusNames.MetricName(instrument.Name, instrument.Unit, Type == FamilyType.Counter);
        Help = PrometheusNames.Help(instrument.Name, instrument.Description);
        Buckets = Type == FamilyType.Histogram ? BucketBounds(instrument) : [];
        Create([]);
    }

    public string Name { get; }

    public string Help { get; }

    /// <summary>Counter (only increases, <c>_total</c>), gauge, or histogram (buckets, sum, count).</summary>
    public FamilyType Type { get; }

    /// <summary>Read at scrape time rather than pushed.</summary>
    public bool IsObservable { get; }

    /// <summary>Counter and UpDownCounter: a measurement is an increment, not the value.</summary>
    public bool IsIncrement { get; }

    public double[] Buckets { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        try
        {
            RecordLabelled(value, tags);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // A measurement never fails the code that made it (this runs inside its Add or Record):
            // a tag set prometheus-net refuses is left out of /metrics.
        }
    }

    private void RecordLabelled(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var set = LabelSetFor(tags);
        var values = ArrayPool<string>.Shared.Rent(set.Order.Length);
        try
        {
            for (var i = 0; i < set.Order.Length; i++)
            {
                values[i] = Convert.ToString(tags[set.Order[i]].Value, CultureInfo.InvariantCulture) ?? "";
            }
            Apply(set.Collector, values.AsSpan(0, set.Order.Length), value);
        }
        finally
        {
            ArrayPool<string>.Shared.Return(values);
        }
    }

    /// <summary>Before an observable read (under the caller's lock).</summary>
    public void BeginRead() => _observing.Clear();

    /// <summary>After an observable read: label sets the instrument no longer reports are removed.</summary>
    public void EndRead()
    {
        foreach (var child in _observed)
        {
            if (!_observing.Contains(child))
            {
                child.Remove();
            }
        }
        (_observed, _observing) = (_observing, _observed);
    }

    /// <summary>The instrument is gone: an observable's series go with it; pushed totals stay until the process ends.</summary>
    public void Complete()
    {
        if (IsObservable)
        {
            foreach (var child in _observed)
            {
                child.Remove();
            }
            _observed.Clear();
        }
    }

    private void Apply(Collector collector, ReadOnlySpan<string> labels, double value)
    {
        switch (collector)
        {
            case Histogram histogram:
                histogram.WithLabels(labels).Observe(value);
                break;
            case Gauge gauge when IsIncrement:
                gauge.WithLabels(labels).Inc(value);
                break;
            case Gauge gauge:
                Observed(gauge.WithLabels(labels)).Set(value);
                break;
            case Counter counter when IsIncrement:
                if (value > 0)
                {
                    counter.WithLabels(labels).Inc(value);
                }
                break;
            case Counter counter:
                // An observable counter reports its total; a lower total means the source restarted
                // (or is not monotonic after all, as .NET's thread pool counters): a counter reset.
                var child = counter.WithLabels(labels);
                if (value < child.Value)
                {
                    _observed.Remove(child); // or the sweep after this read would remove its successor
                    child.Remove();
                    child = counter.WithLabels(labels);
                }
                Observed(child).IncTo(value);
                break;
        }
    }

    private TChild Observed<TChild>(TChild child) where TChild : ChildBase
    {
        if (IsObservable)
        {
            _observing.Add(child);
        }
        return child;
    }

    private LabelSet LabelSetFor(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var set in Volatile.Read(ref _labelSets))
        {
            if (set.Matches(tags))
            {
                return set;
            }
        }
        lock (_grow)
        {
            foreach (var set in _labelSets)
            {
                if (set.Matches(tags))
                {
                    return set;
                }
            }
            var keys = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                keys[i] = tags[i].Key;
            }
            // Label names sorted, so one tag-name set in any order is one collector; a name two tags
            // sanitize to keeps the first tag.
            var order = keys.Select((key, index) => (Label: PrometheusNames.LabelName(key, Type == FamilyType.Histogram), Index: index))
                .DistinctBy(label => label.Label, StringComparer.Ordinal)
                .OrderBy(label => label.Label, StringComparer.Ordinal)
                .ToArray();
            var created = new LabelSet(keys, [.. order.Select(label => label.Index)], Create([.. order.Select(label => label.Label)]));
            Volatile.Write(ref _labelSets, [.. _labelSets, created]);
            return created;
        }
    }

    private Collector Create(string[] labelNames) => Type switch
    {
        FamilyType.Counter => _factory.CreateCounter(Name, Help, labelNames, new CounterConfiguration { SuppressInitialValue = true }),
        FamilyType.Histogram => _factory.CreateHistogram(Name, Help, labelNames, new HistogramConfiguration { SuppressInitialValue = true, Buckets = Buckets }),
        _ => _factory.CreateGauge(Name, Help, labelNames, new GaugeConfiguration { SuppressInitialValue = true }),
    };

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
        return advised is { Count: > 0 } ? [.. advised] : instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
    }

    /// <summary>One set of tag names, in the order the instrument records them, and its collector.</summary>
    private sealed class LabelSet(string[] keys, int[] order, Collector collector)
    {
        /// <summary>Index of the tag that fills each label, in the collector's (sorted) label order.</summary>
        public int[] Order { get; } = order;

        public Collector Collector { get; } = collector;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != keys.Length)
            {
                return false;
            }
            for (var i = 0; i < keys.Length; i++)
            {
                if (!string.Equals(tags[i].Key, keys[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }
    }
}

/// <summary>The Prometheus type of a family (prometheus-net keeps its own enum internal).</summary>
internal enum FamilyType
{
    Counter,
    Gauge,
    Histogram,
}
