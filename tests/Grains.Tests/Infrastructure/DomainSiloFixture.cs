using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Infrastructure;

/// <summary>
/// One <see cref="DomainSilo"/> on its own database for all the tests of a class (<c>IClassFixture</c>): for tests
/// that need no restart and no database of their own. They keep apart by using their own keys.
/// </summary>
public abstract class DomainSiloFixture(IDictionary<string, string?>? settings = null, short silos = 1) : IAsyncLifetime
{
    private DomainSilo? _silo;

    public DomainSilo Silo => _silo ?? throw new InvalidOperationException("The fixture is used before xUnit initialised it.");

    /// <summary>Connection string of the fixture's database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync();
        _silo = await DomainSilo.StartAsync(ConnectionString, settings, silos);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
