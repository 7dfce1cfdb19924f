using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansHub.Silo.Postgres;

namespace OrleansHub.TestSupport;

/// <summary>
/// One PostgreSQL server per test process, started on first use: a throwaway embedded server in
/// a fresh temporary directory (stopped and removed when the process exits), or the existing
/// server named by the <c>HUB_TEST_PG</c> connection string, in which case nothing is started.
/// Tests get databases from it, never the server itself: see <see cref="PostgresFixture"/>.
/// </summary>
public static class PostgresServer
{
    /// <summary>Environment variable with a connection string to an existing server to use instead.</summary>
    public const string ExternalServerVariable = "HUB_TEST_PG";

    private const string DatabasePrefix = "hub_test_";

    private static readonly Lazy<Task<string>> AdminConnectionString = new(StartAsync);

    /// <summary>True when tests run against the server named by <see cref="ExternalServerVariable"/>.</summary>
    public static bool IsExternal => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ExternalServerVariable));

    /// <summary>Creates a fresh database named <c>hub_test_&lt;guid&gt;</c> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var admin = await AdminConnectionString.Value.ConfigureAwait(false);
        var name = DatabasePrefix + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\"", cancellationToken).ConfigureAwait(false);
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, disconnecting its sessions.</summary>
    public static async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (name is null || !name.StartsWith(DatabasePrefix, StringComparison.Ordinal) || name.Contains('"', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' was not made by {nameof(CreateDatabaseAsync)}; refusing to drop it.", nameof(connectionString));
        }

        var admin = await AdminConnectionString.Value.ConfigureAwait(false);
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<string> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new NpgsqlConnectionStringBuilder(external) { Pooling = false }.ConnectionString;
        }

        var root = Directory.CreateTempSubdirectory("orleanshub-test-pg-").FullName;

        // CreateTempSubdirectory makes it private to us; the server may run as the postgres user.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                       | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                                       | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        EmbeddedPostgres server;
        try
        {
            server = await EmbeddedPostgres.StartAsync(
                // A throwaway server in a private directory: trust keeps tests' connection strings simple.
                new EmbeddedPostgresSettings { DataDirectory = Path.Combine(root, "data"), TrustLocalConnections = true },
                logger: null,
                CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }

        StartWatchdog(server, root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAtExit(server, root);
        return server.AdminConnectionString;
    }

    // ProcessExit handlers are synchronous, so this one blocks; the server is throwaway, so
    // immediate shutdown (no checkpoint) is enough.
    private static void StopAtExit(EmbeddedPostgres server, string root)
    {
        try
        {
            server.StopAsync(ShutdownMode.Immediate, CancellationToken.None).GetAwaiter().GetResult();
            Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is EmbeddedPostgresException or IOException or UnauthorizedAccessException)
        {
            // The watchdog below finishes the job.
        }
    }

    // The test host can end without running ProcessExit: killed by the runner after a hang or
    // after its short shutdown grace period, interrupted, or crashed. A detached shell, outside
    // the host's process tree and session (setsid -f), waits for the host to go and then stops
    // the server and removes its directory.
    private const string WatchdogScript = """
        owner=$1; root=$2; shift 2
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$owner"; do sleep 1; done
        "$@"
        rm -rf "$root"
        """;

    internal static void StartWatchdog(EmbeddedPostgres server, string root)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "-f", "sh", "-c", WatchdogScript, "orleanshub-pg-watchdog",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), root,
            .. server.StopCommandLine(ShutdownMode.Immediate),
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var watchdog = Process.Start(startInfo);
        }
        catch (Win32Exception)
        {
            // No setsid here: ProcessExit alone has to do.
        }
    }
}
