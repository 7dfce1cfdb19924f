using Npgsql;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Postgres;

public sealed class EmbeddedPostgresTests : IAsyncLifetime
{
    private readonly string _root = TemporaryDirectory.Create("orleanshub-embedded-test-");

    private string DataDirectory => Path.Combine(_root, "pg");

    [Fact]
    public async Task ARestartReusesTheDataDirectoryAndKeepsItsData()
    {
        await using (var first = await StartAsync())
        {
            var database = await first.CreateDatabaseAsync("keep", CancellationToken.None);
            await ExecuteAsync(database, "CREATE TABLE notes (text text); INSERT INTO notes VALUES ('survives')");
        }

        await using var second = await StartAsync();

        Assert.Equal("survives", await ScalarAsync(second.ConnectionStringFor("keep"), "SELECT text FROM notes"));
    }

    [Fact]
    public async Task StartingStopsAServerThatACrashedProcessLeftRunning()
    {
        // Left running without StopAsync, as by a silo killed with SIGKILL.
        await StartAsync();
        var abandonedPid = PostmasterProcess.ReadPid(DataDirectory);

        await using var server = await StartAsync();

        Assert.False(PostmasterProcess.IsRunning(abandonedPid));
        Assert.NotEqual(abandonedPid, PostmasterProcess.ReadPid(DataDirectory));
        Assert.Equal(1, await ScalarAsync(server.AdminConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task CreatingADatabaseThatExistsReturnsTheSameDatabase()
    {
        await using var server = await StartAsync();
        var first = await server.CreateDatabaseAsync("twice", CancellationToken.None);
        await ExecuteAsync(first, "CREATE TABLE marker (id int)");

        var second = await server.CreateDatabaseAsync("twice", CancellationToken.None);

        Assert.Equal(0L, await ScalarAsync(second, "SELECT count(*) FROM marker"));
    }

    [Fact]
    public async Task ADirectoryWithOtherFilesIsNotTakenOver()
    {
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "precious.txt"), "mine");

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(StartAsync);

        Assert.Contains("neither empty nor a PostgreSQL data directory", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(DataDirectory, "precious.txt")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await EmbeddedPostgres.StopServerAsync(DataDirectory, binDirectory: null, ShutdownMode.Immediate, CancellationToken.None);
        Directory.Delete(_root, recursive: true);
    }

    private Task<EmbeddedPostgres> StartAsync() =>
        EmbeddedPostgres.StartAsync(new EmbeddedPostgresSettings { DataDirectory = DataDirectory, MaxConnections = 20 }, logger: null, CancellationToken.None);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
