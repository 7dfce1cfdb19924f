using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Silo.Hosting;

/// <summary>Silo settings, bound from the "Silo" configuration section: the embedded PostgreSQL and the graceful stop.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>
    /// Data directory of the embedded PostgreSQL, relative to the current directory. Default
    /// <c>.data/pg</c>; it persists across restarts. Ignored when ConnectionStrings:Hub is set.
    /// </summary>
    [Required]
    public string DataDirectory { get; set; } = ".data/pg";

    /// <summary>
    /// Directory holding initdb, pg_ctl and postgres. Default empty: search PATH, then
    /// /usr/lib/postgresql/*/bin (highest version).
    /// </summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>
    /// How long a stopping silo keeps serving after <c>/health/ready</c> turned 503, so that load balancers notice
    /// before it stops taking requests (docs/operations.md "Rolling restarts"). Default 0 (a lone silo stops at
    /// once); set it to a little more than the load balancer's probe interval times its failure threshold.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long the stop may take after the drain (Kestrel, then Orleans deactivating its grains and leaving the
    /// cluster) before the host cuts it short and Orleans stops non-gracefully. The host's shutdown timeout is
    /// <see cref="DrainDelay"/> plus this, so a longer drain never eats Orleans' time. Default 30 s (.NET's own
    /// shutdown timeout); a process manager's kill timeout must exceed the sum (docs/operations.md "Rolling restarts").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a stopping silo stays in the cluster after it stopped taking grain calls and before it declares itself
    /// dead: calls it forwarded to the grains' new activations elsewhere finish meanwhile, where the callers' runtimes
    /// would otherwise break them ("the target silo became unavailable") when it leaves. Default 2 s; 0 leaves at once
    /// (docs/operations.md "Rolling restarts").
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan LeaveGrace { get; set; } = TimeSpan.FromSeconds(2);
}
