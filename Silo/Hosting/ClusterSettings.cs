using System.ComponentModel.DataAnnotations;
using System.Net;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// How this silo joins its cluster, bound from the "Orleans" configuration section. Membership itself lives in the
/// PostgreSQL the silo uses (ConnectionStrings:Hub, or the embedded one), so silos that share a database and a
/// cluster id form one cluster.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    /// <summary>Silos with the same cluster id (and database) form one cluster. Default <c>orleanshub</c>.</summary>
    [Required]
    public string ClusterId { get; set; } = "orleanshub";

    /// <summary>Stays the same across deployments of the service: reminders and stored state are keyed by it. Default <c>orleanshub</c>.</summary>
    [Required]
    public string ServiceId { get; set; } = "orleanshub";

    /// <summary>Port for silo-to-silo traffic. Default 11111; 0 picks a free port at start (tests, one-machine trials).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for external Orleans clients. Default 0: none (the API is co-hosted in every silo).</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; }

    /// <summary>The address other silos reach this one at. Default 127.0.0.1 (one machine); set it for a real cluster.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = IPAddress.Loopback.ToString();
}
