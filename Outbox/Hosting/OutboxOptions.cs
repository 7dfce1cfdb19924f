using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Outbox.Hosting;

/// <summary>Outbox settings, bound from the "Outbox" configuration section.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How often the streams this silo watches are compared with the event log, for live publishes that were lost.
    /// Default 2 seconds, so such an event still reaches its subscribers within 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan StreamCatchUpInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often each Orleans pulling agent asks its queue for live events (Orleans' default is 100 ms). It bounds
    /// the cross-silo part of delivery latency; each agent's poll is a grain call whether or not events wait.
    /// Default 5 ms (docs/performance.md, "Live delivery across silos").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan LivePollInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Queues of the live stream provider across the cluster (each pulled by one agent). Default 4.</summary>
    [Range(1, 256)]
    public int LiveQueues { get; set; } = 4;

    /// <summary>
    /// How long a silo's mark that it watches a stream lasts; the tail check renews it while the stream has local
    /// subscribers. Writers publish live only events of marked streams. Default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WatchLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Stream events older than this are deleted. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan StreamRetentionAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Each stream keeps at most this many newest events. Default 10,000.</summary>
    [Range(1, int.MaxValue)]
    public int StreamRetentionCount { get; set; } = 10_000;

    /// <summary>How often retention runs. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan StreamRetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Most grain writes one transaction carries (group commit, docs/outbox.md). A writer takes what is waiting, up
    /// to this many, and never waits for more. 1 gives every write its own transaction. Default 32.
    /// </summary>
    [Range(1, 1000)]
    public int WriteBatchSize { get; set; } = 32;

    /// <summary>
    /// How many group-commit transactions run at once, each on its own connection. Default 1: writes of one stream
    /// wait for each other's commit anyway (the stream counter row), so on a small database server one transaction
    /// at a time with bigger batches did best (docs/performance.md, "REST ceiling"); raise it when the database has
    /// cores to spare and writers rarely share streams.
    /// </summary>
    [Range(1, 64)]
    public int WriteConnections { get; set; } = 1;

    /// <summary>Apply SQL migrations (ours and Orleans' ADO.NET scripts) at start. Default true.</summary>
    public bool ApplyMigrations { get; set; } = true;
}
