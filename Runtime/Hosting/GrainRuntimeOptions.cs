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

    /// <summary>Apply SQL migrations at start. Default true.</summary>
    public bool ApplyMigrations { get; set; } = true;
}
