using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Silo.Hosting;

/// <summary>Silo settings, bound from the "Silo" configuration section. Used only for the embedded PostgreSQL.</summary>
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
}
