using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansHub.Api.OrleansDashboard;
using OrleansHub.Grains;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Silo.Hosting;

internal static class SiloOrleans
{
    /// <summary>
    /// Makes this process an Orleans silo co-hosted with the API: the cluster settings ("Orleans" section), and the
    /// outbox on the PostgreSQL at <paramref name="connectionString"/> (ADO.NET clustering and reminders, the
    /// outbox storage, live streams, migrations: Outbox/Hosting). The domain's migrations come from the Grains
    /// assembly. Under Kubernetes (<see cref="SiloKubernetes"/>) the pod's address replaces the advertised one.
    /// </summary>
    public static WebApplicationBuilder AddOrleansSilo(this WebApplicationBuilder builder, string connectionString)
    {
        var settings = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        Validate(settings);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = settings.ClusterId;
                cluster.ServiceId = settings.ServiceId;
            });
            var siloPort = settings.SiloPort == 0 ? FreePort() : settings.SiloPort;
            if (SiloKubernetes.IsEnabled(builder.Configuration))
            {
                silo.UseKubernetes(builder.Configuration, siloPort, settings.GatewayPort);
            }
            else
            {
                silo.ConfigureEndpoints(IPAddress.Parse(settings.AdvertisedAddress), siloPort, settings.GatewayPort);
            }
            silo.Configure<ClusterMembershipOptions>(SiloMembership.Defaults);
            silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(SiloMembership.Section));
            silo.UseOutboxOnPostgres(connectionString, [typeof(GrainsSetup).Assembly]);
            // A call that a stopping silo rejected before it ran goes again, once the caller knows where to send it.
            silo.AddOutgoingGrainCallFilter<RejectedCallResend>();
            silo.AddIncomingGrainCallFilter<EscapedRejectionMarker>();
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, LeaveGrace>();
            silo.AddOrleansDashboardWhenEnabled(builder.Configuration);
        });
        return builder;
    }

    private static void Validate(ClusterSettings settings)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(settings, new(settings), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(ClusterSettings.Section, typeof(ClusterSettings), results.Select(r => $"{ClusterSettings.Section}: {r.ErrorMessage}"));
        }
        if (!IPAddress.TryParse(settings.AdvertisedAddress, out _))
        {
            throw new OptionsValidationException(ClusterSettings.Section, typeof(ClusterSettings),
                [$"{ClusterSettings.Section}:AdvertisedAddress '{settings.AdvertisedAddress}' is not an IP address."]);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
