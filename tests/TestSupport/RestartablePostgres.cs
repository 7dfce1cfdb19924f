using OrleansHub.Silo.Postgres;

namespace OrleansHub.TestSupport;

/// <summary>
/// A PostgreSQL server of one test's own, which the test may stop and start again (an outage while the silo runs).
/// The run's shared server (<see cref="PostgresServer"/>) must never stop: tests of other classes use it at the same
/// time. Same data directory and port across restarts, so the silo's connection string stays valid.
/// </summary>
public sealed class RestartablePostgres : IAsyncDisposable
{
    private readonly string _root;
    private readonly int _port;
    private EmbeddedPostgres _server;

    private RestartablePostgres(string root, EmbeddedPostgres server)
    {
        _root = root;
        _server = server;
        _port = server.Port;
    }

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Initialises and starts a server in a fresh temporary directory.</summary>
    public static async Task<RestartablePostgres> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("orleanshub-test-pg-restartable-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // The server may run as the postgres user (see PostgresServer).
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                       | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                                       | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        try
        {
            var server = await EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresSettings { DataDirectory = Path.Combine(root, "data"), TrustLocalConnections = true }, logger: null, CancellationToken.None).ConfigureAwait(false);
            PostgresServer.StartWatchdog(server, root);
            return new RestartablePostgres(root, server);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>Creates a database and returns its (pooled) connection string.</summary>
    public Task<string> CreateDatabaseAsync(string name) => _server.CreateDatabaseAsync(name, CancellationToken.None);

    /// <summary>Stops the server (fast shutdown: sessions get 57P01 admin_shutdown, new connections are refused).</summary>
    public Task StopAsync() => _server.StopAsync(ShutdownMode.Fast, CancellationToken.None);

    /// <summary>Starts the stopped server again on the same port.</summary>
    public async Task StartAgainAsync() =>
        _server = await EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresSettings { DataDirectory = DataDirectory, Port = _port, TrustLocalConnections = true }, logger: null, CancellationToken.None).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _server.StopAsync(ShutdownMode.Immediate, CancellationToken.None).ConfigureAwait(false);
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is EmbeddedPostgresException or IOException or UnauthorizedAccessException)
        {
            // The watchdog removes it when the test process ends.
        }
    }
}
