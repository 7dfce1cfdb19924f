using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.TestSupport;

/// <summary>
/// An Orleans test cluster (Orleans.TestingHost, silos in this process) on a real PostgreSQL database, configured as
/// production silos are: ADO.NET membership and reminders, the outbox storage, live streams and the migrations
/// (<see cref="OutboxSiloBuilderExtensions.UseOutboxOnPostgres"/>). <typeparamref name="TConfigurator"/> adds what a
/// test project needs (its grains' services, its migrations). Clusters that share a database and a service id see
/// the same state and reminders; with different cluster ids they do not know each other, as two silos do when a
/// membership change leaves a grain activated twice.
/// </summary>
public sealed class HubCluster : IAsyncDisposable
{
    private HubCluster(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }

    /// <summary>Grain references through the cluster's client (calls are serialized as across a network).</summary>
    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>The services of silo <paramref name="index"/> (0 is the first one started and still running).</summary>
    public IServiceProvider Services(int index = 0) => ((InProcessSiloHandle)Cluster.Silos[index]).SiloHost.Services;

    /// <summary>A service of silo <paramref name="index"/>.</summary>
    public T Service<T>(int index = 0)
        where T : notnull => Services(index).GetRequiredService<T>();

    /// <summary>
    /// Starts <paramref name="silos"/> silos. <paramref name="settings"/> are configuration keys such as
    /// "Outbox:StreamCatchUpInterval"; the connection string is ConnectionStrings:Hub.
    /// </summary>
    public static async Task<HubCluster> StartAsync<TConfigurator>(
        string connectionString,
        IDictionary<string, string?>? settings = null,
        short silos = 1,
        string serviceId = "orleanshub-test",
        string? clusterId = null)
        where TConfigurator : IHubSiloConfigurator, new()
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = clusterId ?? TestClusterBuilder.CreateClusterId();
        var configuration = new Dictionary<string, string?>
        {
            // The environment the product's tests run in (the API's factory uses it too): it allows test-only
            // settings such as few PBKDF2 iterations. A test may say otherwise.
            ["environment"] = "Testing",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        configuration[ConnectionStringKey] = connectionString;
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(configuration));
        builder.AddSiloBuilderConfigurator<SiloConfigurator<TConfigurator>>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            // A silo that failed to start (a test of settings that refuse to) leaves no hosts running behind it.
            await cluster.DisposeAsync();
            throw;
        }
        return new HubCluster(cluster);
    }

    /// <summary>Starts one more silo in the cluster; returns its index.</summary>
    public async Task<int> StartSiloAsync()
    {
        await Cluster.StartAdditionalSiloAsync();
        return Cluster.Silos.Count - 1;
    }

    /// <summary>Stops silo <paramref name="index"/> gracefully (activations deactivate, it leaves the membership).</summary>
    public Task StopSiloAsync(int index) => Cluster.StopSiloAsync(Cluster.Silos[index]);

    /// <summary>Stops every silo gracefully; the cluster can be disposed afterwards.</summary>
    public Task StopAsync() => Cluster.StopAllSilosAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    internal const string ConnectionStringKey = "ConnectionStrings:Hub";

    private sealed class SiloConfigurator<TConfigurator> : ISiloConfigurator
        where TConfigurator : IHubSiloConfigurator, new()
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var hub = new TConfigurator();
            var connectionString = siloBuilder.Configuration[ConnectionStringKey]
                ?? throw new InvalidOperationException($"{ConnectionStringKey} is not set.");
            siloBuilder.UseOutboxOnPostgres(connectionString, hub.MigrationAssemblies);
            // Tests stop and start silos often: no need to wait for stragglers as a production shutdown does.
            siloBuilder.Configure<GrainCollectionOptions>(o => o.DeactivationTimeout = TimeSpan.FromSeconds(5));
            hub.Configure(siloBuilder);
        }
    }
}

/// <summary>The cluster's client finds the gateways in the same membership table as the silos.</summary>
internal sealed class ClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = OutboxSiloBuilderExtensions.PostgresInvariant;
            o.ConnectionString = configuration[HubCluster.ConnectionStringKey];
        });
}

/// <summary>What a test project adds to each silo of a <see cref="HubCluster"/>.</summary>
public interface IHubSiloConfigurator
{
    /// <summary>Assemblies whose embedded "sql/*.sql" migrations the silo applies (besides the outbox's).</summary>
    IEnumerable<Assembly> MigrationAssemblies { get; }

    void Configure(ISiloBuilder silo);
}
