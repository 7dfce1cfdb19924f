using OrleansHub.TestSupport;

namespace OrleansHub.Outbox.Tests.Infrastructure;

/// <summary>
/// Each test gets its own database on the run's PostgreSQL server and its own <see cref="Probe"/>; the clusters it
/// starts are stopped after it.
/// </summary>
public abstract class OutboxTestBase(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly List<HubCluster> _clusters = [];

    protected PostgresFixture Postgres { get; } = postgres;

    protected string ConnectionString { get; private set; } = "";

    protected Probe Probe { get; } = new();

    public async Task InitializeAsync() => ConnectionString = await Postgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Starts a cluster of <paramref name="silos"/> on the test's database; <paramref name="settings"/> are "Outbox"
    /// settings (StreamCatchUpInterval, WriteBatchSize, ...). Clusters of one test share state and reminders; each
    /// has its own membership, so two of them hold separate activations of one grain.
    /// </summary>
    protected async Task<HubCluster> StartClusterAsync(IDictionary<string, string?>? settings = null, short silos = 1)
    {
        var configuration = (settings ?? new Dictionary<string, string?>()).ToDictionary(kv => $"Outbox:{kv.Key}", kv => kv.Value);
        configuration[Probe.SettingKey] = Probe.Id;
        var cluster = await HubCluster.StartAsync<OutboxTestSilo>(ConnectionString, configuration, silos);
        _clusters.Add(cluster);
        return cluster;
    }
}
