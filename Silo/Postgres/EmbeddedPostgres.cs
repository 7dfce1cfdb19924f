using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// A private PostgreSQL server run from the machine's binaries: initdb on first use, pg_ctl to
/// start and stop, loopback TCP only and no unix socket. By default every connection needs a
/// password (SCRAM): the <c>postgres</c> superuser's is generated at initdb and kept in an owner-only
/// password file in the data directory (see EmbeddedPostgresLockdown.cs, which also upgrades a data
/// directory an earlier version made with trust authentication). Only the test support's throwaway
/// server asks for trust (<see cref="EmbeddedPostgresSettings.TrustLocalConnections"/>); it compiles
/// these files into its own assembly, so they depend on nothing else in the silo.
/// </summary>
internal sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    public const string Superuser = "postgres";

    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(15);

    private readonly PostgresBinaries _binaries;
    private readonly ILogger _logger;
    private int _stopped;

    private EmbeddedPostgres(PostgresBinaries binaries, string dataDirectory, int port, bool requiresPasswords, ILogger logger)
    {
        _binaries = binaries;
        _logger = logger;
        DataDirectory = dataDirectory;
        Port = port;
        RequiresPasswords = requiresPasswords;
    }

    /// <summary>Absolute path of the data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>Loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>True unless the server was started with <see cref="EmbeddedPostgresSettings.TrustLocalConnections"/>.</summary>
    public bool RequiresPasswords { get; }

    /// <summary>The superuser's password file; used for bootstrap and maintenance only, never by the application.</summary>
    public string SuperuserPasswordFile => PasswordFilePath(DataDirectory, Superuser);

    /// <summary>Connection string for the <c>postgres</c> maintenance database, without pooling.</summary>
    public string AdminConnectionString =>
        new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false }.ConnectionString;

    // Until an earlier version's data directory is upgraded it has no password file, and its server
    // still trusts loopback connections: the one time a superuser connection goes without a password.
    private string BootstrapConnectionString =>
        RequiresPasswords && !File.Exists(SuperuserPasswordFile)
            ? new NpgsqlConnectionStringBuilder(ConnectionStringFor(Port, "postgres", Superuser, passwordFile: null)) { Pooling = false }.ConnectionString
            : AdminConnectionString;

    /// <summary>
    /// Initialises <paramref name="settings"/>' data directory if needed, stops a server a crashed
    /// process left running from it, starts the server and waits until it accepts connections.
    /// </summary>
    /// <exception cref="EmbeddedPostgresException">Binaries missing, or a tool failed.</exception>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresSettings settings, ILogger? logger, CancellationToken cancellationToken)
    {
        logger ??= NullLogger.Instance;
        var binaries = PostgresBinaries.Find(settings.BinDirectory);
        var dataDirectory = Path.GetFullPath(settings.DataDirectory);

        var requiresPasswords = !settings.TrustLocalConnections;

        await InitialiseIfNeededAsync(binaries, dataDirectory, requiresPasswords, logger, cancellationToken).ConfigureAwait(false);
        await StopLeftoverServerAsync(binaries, dataDirectory, logger, cancellationToken).ConfigureAwait(false);

        // A data directory with the superuser's password file is (or was being) locked down: make sure
        // its pg_hba.conf asks for passwords before the server reads it. One without the file comes from
        // an earlier version and is upgraded once the server runs (it needs trust one last time).
        var upgrade = requiresPasswords && !File.Exists(PasswordFilePath(dataDirectory, Superuser));
        if (requiresPasswords && !upgrade)
        {
            RequirePasswordsInHostBasedAuthentication(dataDirectory);
        }

        var server = new EmbeddedPostgres(binaries, dataDirectory, settings.Port == 0 ? FindFreePort() : settings.Port, requiresPasswords, logger);
        try
        {
            await server.StartServerAsync(settings.MaxConnections, cancellationToken).ConfigureAwait(false);
            if (upgrade)
            {
                await server.UpgradeFromTrustAsync(settings.MaxConnections, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // pg_ctl may have got the server up before the failure (or the cancellation): do not
            // leave it behind, and do not let a failing stop hide why the start failed.
            try
            {
                await server.StopAsync(ShutdownMode.Immediate, CancellationToken.None).ConfigureAwait(false);
            }
            catch (EmbeddedPostgresException)
            {
            }

            throw;
        }

        return server;
    }

    /// <summary>Superuser connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) =>
        ConnectionStringFor(Port, database, Superuser, RequiresPasswords ? SuperuserPasswordFile : null);

    /// <summary>
    /// Connection string for <paramref name="role"/> to <paramref name="database"/> on an embedded server
    /// listening on <paramref name="port"/>, taking the password from <paramref name="passwordFile"/> (none when null).
    /// </summary>
    public static string ConnectionStringFor(int port, string database, string role, string? passwordFile) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = role,
            Database = database,
            Passfile = passwordFile,
        }.ConnectionString;

    /// <summary>Where the password of <paramref name="role"/> is kept: <c>&lt;role&gt;.pgpass</c> in the data directory.</summary>
    public static string PasswordFilePath(string dataDirectory, string role) =>
        Path.Combine(Path.GetFullPath(dataDirectory), $"{role}.pgpass");

    /// <summary>Creates <paramref name="database"/> unless it exists; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        RequirePlainName(database, nameof(database));

        var connection = new NpgsqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var exists = connection.CreateCommand();
            await using (exists.ConfigureAwait(false))
            {
                exists.CommandText = "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)";
                exists.Parameters.Add(new NpgsqlParameter { Value = database });
                if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    return ConnectionStringFor(database);
                }
            }

            var create = connection.CreateCommand();
            await using (create.ConfigureAwait(false))
            {
                // The name is checked above; identifiers cannot be parameters.
                create.CommandText = $"CREATE DATABASE \"{database}\"";
                try
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    _logger.CreatedDatabase(database);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Created concurrently by someone else: just as good.
                }
            }
        }

        return ConnectionStringFor(database);
    }

    /// <summary>Stops the server (fast shutdown). Safe to call more than once.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopAsync(ShutdownMode.Fast, cancellationToken);

    /// <summary>Stops the server with the given mode. Safe to call more than once.</summary>
    public async Task StopAsync(ShutdownMode mode, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _logger.Stopping(Port);
        await StopServerAsync(_binaries, DataDirectory, mode, cancellationToken).ConfigureAwait(false);
        _logger.Stopped();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// The command line that stops this server, for a process that must outlive this one (the test
    /// support's watchdog).
    /// </summary>
    public IReadOnlyList<string> StopCommandLine(ShutdownMode mode)
    {
        string[] stop = [_binaries.PgCtl, .. StopArguments(DataDirectory, mode)];
        return PostgresTool.RunAsServiceUser ? ["runuser", "-u", PostgresTool.ServiceUser, "--", .. stop] : stop;
    }

    /// <summary>Stops whatever server runs from <paramref name="dataDirectory"/>; nothing if none does.</summary>
    public static Task StopServerAsync(string dataDirectory, string? binDirectory, ShutdownMode mode, CancellationToken cancellationToken) =>
        StopServerAsync(PostgresBinaries.Find(binDirectory), Path.GetFullPath(dataDirectory), mode, cancellationToken);

    /// <summary>A port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task InitialiseIfNeededAsync(
        PostgresBinaries binaries, string dataDirectory, bool requiresPasswords, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new EmbeddedPostgresException(
                $"{dataDirectory} is neither empty nor a PostgreSQL data directory; empty it or choose another Silo:DataDirectory.");
        }

        Directory.CreateDirectory(dataDirectory);
        await PostgresTool.GiveToServiceUserAsync(dataDirectory, cancellationToken).ConfigureAwait(false);

        logger.InitialisingDataDirectory(dataDirectory, binaries.InitDb);
        if (!requiresPasswords)
        {
            await RunInitDbAsync(binaries, dataDirectory, ["-A", "trust"], cancellationToken).ConfigureAwait(false);
            return;
        }

        // initdb reads the superuser's password from a file its user can read; the data directory must
        // be empty for initdb, so that file lives in a private directory of its own until initdb is done.
        var password = PasswordFile.NewPassword();
        var scratch = Directory.CreateTempSubdirectory("orleanshub-initdb-").FullName;
        try
        {
            var passwordInput = Path.Combine(scratch, "password");
            PasswordFile.WriteOwnerOnly(passwordInput, password + "\n");
            await PostgresTool.GiveToServiceUserAsync(scratch, cancellationToken).ConfigureAwait(false);
            await RunInitDbAsync(binaries, dataDirectory, ["--auth=scram-sha-256", $"--pwfile={passwordInput}"], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        PasswordFile.Write(PasswordFilePath(dataDirectory, Superuser), Superuser, password);
    }

    private static async Task RunInitDbAsync(PostgresBinaries binaries, string dataDirectory, string[] authentication, CancellationToken cancellationToken)
    {
        var result = await PostgresTool.RunAsync(
            binaries.InitDb,
            ["-D", dataDirectory, .. authentication, "-U", Superuser, "--encoding=UTF8", "--no-locale"],
            InitDbTimeout,
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"initdb failed for {dataDirectory} (exit code {result.ExitCode}): {PostgresTool.OneLine(result.Output)}", result.Output);
        }
    }

    // A silo killed with SIGKILL leaves its postmaster running (pg_ctl detaches it), and a machine
    // that crashed leaves a postmaster.pid whose pid may now belong to an unrelated process.
    private static async Task StopLeftoverServerAsync(PostgresBinaries binaries, string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var pid = ReadPid(pidFile);
        if (pid is { } running && IsPostgres(running))
        {
            logger.StoppingLeftoverServer(running, dataDirectory);
            await StopServerAsync(binaries, dataDirectory, ShutdownMode.Fast, cancellationToken).ConfigureAwait(false);
            return;
        }

        logger.RemovingStalePidFile(dataDirectory, pid);
        File.Delete(pidFile);
    }

    private async Task StartServerAsync(int maxConnections, CancellationToken cancellationToken)
    {
        _logger.Starting(Port, DataDirectory);

        // The server log lives in the data directory (writable by the server's user); starting
        // afresh each time keeps it bounded and makes its tail this start's story.
        var logFile = Path.Combine(DataDirectory, "server.log");
        File.Delete(logFile);

        string[] serverOptions =
        [
            "-c listen_addresses=127.0.0.1",
            string.Create(CultureInfo.InvariantCulture, $"-p {Port}"),
            "-c unix_socket_directories=''",
            "-c password_encryption=scram-sha-256",
            string.Create(CultureInfo.InvariantCulture, $"-c max_connections={maxConnections}"),
            "-c shared_buffers=128MB",
            "-c fsync=on",
            "-c synchronous_commit=on",
        ];
        var result = await PostgresTool.RunAsync(
            _binaries.PgCtl,
            ["start", "-D", DataDirectory, "-l", logFile, "-w", "-t", "60", "-o", string.Join(' ', serverOptions)],
            PgCtlTimeout,
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var log = ReadTail(logFile);
            throw new EmbeddedPostgresException(
                $"PostgreSQL did not start on 127.0.0.1:{Port} from {DataDirectory}: {PostgresTool.OneLine(log.Length > 0 ? log : result.Output)}",
                $"{result.Output}\n{log}");
        }

        await WaitUntilAcceptingAsync(cancellationToken).ConfigureAwait(false);
        _logger.Started(Port);
    }

    // pg_ctl -w has already seen the postmaster report "ready"; this proves it over TCP with the
    // same kind of connection every client will make.
    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(AcceptTimeout);
        Exception? last = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                var connection = new NpgsqlConnection(BootstrapConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(deadline.Token).ConfigureAwait(false);
                    return;
                }
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
            {
                // Waiting does not make a password right.
                throw new EmbeddedPostgresException(
                    $"PostgreSQL in {DataDirectory} refused the superuser: {ex.MessageText}. Its password file {SuperuserPasswordFile} "
                    + "does not match the server; restore the file, or move the data directory away to start afresh.", ex);
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException && !deadline.IsCancellationRequested)
            {
                last = ex;
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new EmbeddedPostgresException(
            $"PostgreSQL started but did not accept connections on 127.0.0.1:{Port} within {AcceptTimeout.TotalSeconds:0} s: {last?.Message ?? "timed out"}");
    }

    private static async Task StopServerAsync(PostgresBinaries binaries, string dataDirectory, ShutdownMode mode, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var result = await PostgresTool.RunAsync(binaries.PgCtl, StopArguments(dataDirectory, mode), PgCtlTimeout, cancellationToken).ConfigureAwait(false);

        // pg_ctl fails when the server went away by itself in the meantime; only a server that is
        // still there is an error.
        if (!result.Succeeded && File.Exists(pidFile))
        {
            throw new EmbeddedPostgresException(
                $"pg_ctl stop failed for {dataDirectory} (exit code {result.ExitCode}): {PostgresTool.OneLine(result.Output)}", result.Output);
        }
    }

    private static string[] StopArguments(string dataDirectory, ShutdownMode mode) =>
        ["stop", "-D", dataDirectory, "-m", mode == ShutdownMode.Immediate ? "immediate" : "fast", "-w", "-t", "60"];

    private static int? ReadPid(string pidFile)
    {
        try
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() is "postgres" or "postmaster";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string ReadTail(string file)
    {
        try
        {
            return string.Join('\n', File.ReadLines(file).TakeLast(20));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    // Database and role names end up in SQL as identifiers, which cannot be parameters.
    private static void RequirePlainName(string name, string parameter)
    {
        if (!PlainName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a plain lower-case PostgreSQL name.", parameter);
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex PlainName();
}
