using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Silo.Hosting;

/// <summary>Silo settings, bound from the "Silo" configuration section: the embedded PostgreSQL and the shutdown drain.</summary>
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
}
