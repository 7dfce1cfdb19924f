using System.Diagnostics.Metrics;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// The group commit's instruments, on the outbox meter (<see cref="StorageMetrics.MeterName"/>): how many
/// writes wait, how many transactions and writes committed, how long each transaction took from send to
/// result, and how many were rolled back and re-run write by write. The queue and the transaction time are
/// what a slow write is made of (docs/operations.md).
/// </summary>
internal sealed class StorageMetrics
{
    public const string MeterName = "OrleansHub.Outbox";

    // Seconds: a healthy commit takes a few milliseconds; a stall shows in the upper buckets.
    private static readonly double[] CommitBuckets = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter _meter;
    private readonly Counter<long> _commits;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _rollbacks;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _published;

    public StorageMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _commits = _meter.CreateCounter<long>("orleanshub.storage.commits", "{transaction}",
            "Group-commit transactions committed by this silo");
        _writes = _meter.CreateCounter<long>("orleanshub.storage.writes", "{write}",
            "Grain state writes committed by this silo (each with its events and index rows)");
        _rollbacks = _meter.CreateCounter<long>("orleanshub.storage.rollbacks", "{transaction}",
            "Shared transactions rolled back by one failing write, whose writes were run again one by one");
        _published = _meter.CreateCounter<long>("orleanshub.streams.published", "{event}",
            "Committed events this silo published on Orleans streams (those of streams some silo watches)");
        _commitDuration = _meter.CreateHistogram("orleanshub.storage.commit.duration", "s",
            "Time of a group-commit transaction from sending its statements to its commit's result",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
    }

    /// <summary>Reports <paramref name="queued"/> (writes waiting for a writer loop) when observed.</summary>
    public void ObserveQueue(Func<int> queued) =>
        _meter.CreateObservableGauge("orleanshub.storage.write_queue", queued, "{write}",
            "Grain state writes waiting for a group commit on this silo");

    public void Committed(int writes, TimeSpan took)
    {
        _commits.Add(1);
        _writes.Add(writes);
        _commitDuration.Record(took.TotalSeconds);
    }

    public void Failed(TimeSpan took) => _commitDuration.Record(took.TotalSeconds);

    public void RolledBack() => _rollbacks.Add(1);

    public void Published(int events) => _published.Add(events);
}
