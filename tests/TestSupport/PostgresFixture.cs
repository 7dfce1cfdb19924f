using Xunit;

namespace OrleansHub.TestSupport;

/// <summary>
/// A fresh database on the test process's <see cref="PostgresServer"/>, for
/// <c>IClassFixture&lt;PostgresFixture&gt;</c> or <c>ICollectionFixture&lt;PostgresFixture&gt;</c>.
/// Tests that need isolation from their neighbours call <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private string? _connectionString;

    /// <summary>Connection string of this fixture's database.</summary>
    public string ConnectionString =>
        _connectionString ?? throw new InvalidOperationException("PostgresFixture is used before xUnit initialised it.");

    /// <summary>Creates another fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(cancellationToken).ConfigureAwait(false);
        lock (_databases)
        {
            _databases.Add(connectionString);
        }

        return connectionString;
    }

    public async Task InitializeAsync() => _connectionString = await CreateDatabaseAsync().ConfigureAwait(false);

    // A throwaway server takes its databases with it; a shared one (HUB_TEST_PG) is cleaned up.
    public async Task DisposeAsync()
    {
        if (!PostgresServer.IsExternal)
        {
            return;
        }

        string[] databases;
        lock (_databases)
        {
            databases = [.. _databases];
        }

        foreach (var database in databases)
        {
            await PostgresServer.DropDatabaseAsync(database).ConfigureAwait(false);
        }
    }
}
