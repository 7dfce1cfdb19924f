using OrleansHub.TestSupport;

namespace OrleansHub.Runtime.Tests.Infrastructure;

/// <summary>Each test gets its own database on the run's PostgreSQL server, and the silos it starts are stopped after it.</summary>
public abstract class RuntimeTestBase(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly List<TestSilo> _silos = [];

    protected PostgresFixture Postgres { get; } = postgres;

    protected string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await Postgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }

    protected async Task<TestSilo> StartSiloAsync(IDictionary<string, string?>? options = null, Probe? probe = null)
    {
        var silo = await TestSilo.StartAsync(ConnectionString, options, probe);
        _silos.Add(silo);
        return silo;
    }
}
