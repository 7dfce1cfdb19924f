using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace OrleansHub.Silo.Tests.Support;

/// <summary>
/// A real load balancer in front of silo processes: YARP on Kestrel in the test process, configured as
/// docs/operations.md "Load balancer settings" tells an operator to configure theirs. Round robin over the silos,
/// an active health check of <c>/health/ready</c> every <see cref="ProbeInterval"/> that takes a silo out after
/// <see cref="FailureThreshold"/> failures (and back in after one success), passive checks on transport failures,
/// WebSockets proxied (YARP forwards the upgrade), no retries (a proxy must not replay a non-idempotent request).
/// </summary>
internal sealed class LoadBalancer : IAsyncDisposable
{
    public const string ClusterId = "silos";
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    public const int FailureThreshold = 2;

    private readonly WebApplication _app;

    private LoadBalancer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where clients connect.</summary>
    public Uri Address { get; }

    public static async Task<LoadBalancer> StartAsync(IReadOnlyList<Uri> silos)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        RouteConfig[] routes = [new() { RouteId = "all", ClusterId = ClusterId, Match = new RouteMatch { Path = "{**catch-all}" } }];
        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = ClusterId,
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = ProbeInterval,
                        Timeout = ProbeInterval,
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                        Path = "/health/ready",
                    },
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                        ReactivationPeriod = TimeSpan.FromSeconds(5),
                    },
                },
                Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = FailureThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Destinations = silos.Select((address, i) => (address, i)).ToDictionary(
                    d => Destination(d.i), d => new DestinationConfig { Address = d.address.ToString() }),
            },
        ];
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new LoadBalancer(app, new Uri(address));
    }

    /// <summary>True when the active health check currently counts silo <paramref name="index"/> healthy.</summary>
    public bool IsHealthy(int index)
    {
        var cluster = _app.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster(ClusterId, out var state) ? state : null;
        return cluster is not null
            && cluster.Destinations.TryGetValue(Destination(index), out var destination)
            && destination.Health.Active == DestinationHealth.Healthy;
    }

    private static string Destination(int index) => "silo" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
