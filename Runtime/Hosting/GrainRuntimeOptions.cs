using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Runtime.Hosting;

/// <summary>Runtime settings, bound from the "Runtime" configuration section.</summary>
public sealed class GrainRuntimeOptions
{
    public const string Section = "Runtime";

    /// <summary>An activation idle this long is collected. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "30.00:00:00")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A call not answered in this time fails with TimeoutException. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound for OnDeactivateAsync. Default 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown waits for running requests before deactivating anyway. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often due reminders are looked for. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A claimed reminder that did not finish fires again after this. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Shortest reminder period accepted. Default 1 minute (as Orleans); tests lower it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long stream announcements are coalesced before one NOTIFY. Default 1 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan StreamNotifyDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How often subscribed streams are compared with the table, for lost notifications. Default 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan StreamCatchUpInterval { get; set; } = TimeSpan.FromSeconds(2);

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
    /// Most grain writes one transaction carries (group commit, docs/runtime.md). A writer takes what is
    /// waiting, up to this many, and never waits for more. 1 gives every write its own transaction. Default 32.
    /// </summary>
    [Range(1, 1000)]
    public int WriteBatchSize { get; set; } = 32;

    /// <summary>
    /// How many group-commit transactions run at once, each on its own connection. Default 1: writes of one
    /// stream wait for each other's commit anyway (the stream counter row), so on a small database server one
    /// transaction at a time with bigger batches did best (docs/performance.md, "REST ceiling"); raise it
    /// when the database has cores to spare and writers rarely share streams.
    /// </summary>
    [Range(1, 64)]
    public int WriteConnections { get; set; } = 1;

    /// <summary>Apply SQL migrations at start. Default true.</summary>
    public bool ApplyMigrations { get; set; } = true;
}
