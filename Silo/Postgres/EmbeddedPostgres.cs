using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
/// <remarks>
/// One class in parts: this file holds its state and the start that ties the parts together;
/// EmbeddedPostgresInitDb.cs creates a data directory, EmbeddedPostgresServerStart.cs and
/// EmbeddedPostgresServerStop.cs run pg_ctl, EmbeddedPostgresConnections.cs hands out connection
/// strings and databases, EmbeddedPostgresLockdown.cs keeps the server closed.
/// </remarks>
internal sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    public const string Superuser = "postgres";

    // pg_ctl start and stop wait up to 60 s themselves (-t 60); this bounds the tool around them.
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(90);

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
}
