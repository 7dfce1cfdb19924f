using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Orleans' Kubernetes hosting (Microsoft.Orleans.Hosting.Kubernetes), on only when <c>Orleans:Kubernetes:Enabled</c>
/// is true (deploy/k8s sets it), so a silo anywhere else starts exactly as before. With it the pod is the unit
/// the cluster reasons about: the silo advertises the pod's address (<c>POD_IP</c>) instead of
/// <c>Orleans:AdvertisedAddress</c> and listens on every interface, takes its name from <c>POD_NAME</c>, takes
/// <c>ORLEANS_CLUSTER_ID</c> / <c>ORLEANS_SERVICE_ID</c> when set, labels its own pod with them, and declares a silo
/// dead as soon as Kubernetes deletes its pod, without waiting for missed probes. Membership itself stays in
/// PostgreSQL. The other settings under the same section bind to <see cref="KubernetesHostingOptions"/>
/// (<c>MaxAgents</c>, <c>MaxKubernetesApiRetryAttempts</c>, <c>DeleteDefunctSiloPods</c>).
/// </summary>
internal static class SiloKubernetes
{
    public const string Section = "Orleans:Kubernetes";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>($"{Section}:Enabled");

    /// <summary>
    /// Sets only the ports: Kubernetes hosting fills in the advertised address (the pod's) and the listening
    /// endpoints when they are left unset.
    /// </summary>
    public static ISiloBuilder UseKubernetes(this ISiloBuilder silo, IConfiguration configuration, int siloPort, int gatewayPort)
    {
        silo.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.SiloPort = siloPort;
            endpoints.GatewayPort = gatewayPort;
        });
        return silo.UseKubernetesHosting(options => options.Bind(configuration.GetSection(Section)));
    }
}
