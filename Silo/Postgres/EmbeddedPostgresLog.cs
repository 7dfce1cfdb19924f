using Microsoft.Extensions.Logging;

namespace OrleansHub.Silo.Postgres;

internal static partial class EmbeddedPostgresLog
{
    [LoggerMessage(100, LogLevel.Information, "Initialising PostgreSQL data directory {DataDirectory} with {InitDb}")]
    public static partial void InitialisingDataDirectory(this ILogger logger, string dataDirectory, string initDb);

    [LoggerMessage(101, LogLevel.Warning, "PostgreSQL (pid {Pid}) is still running from {DataDirectory}, left by an earlier process; stopping it")]
    public static partial void StoppingLeftoverServer(this ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(102, LogLevel.Warning, "Removing stale postmaster.pid from {DataDirectory} (pid {Pid} is not a running postgres)")]
    public static partial void RemovingStalePidFile(this ILogger logger, string dataDirectory, int? pid);

    [LoggerMessage(103, LogLevel.Information, "Starting embedded PostgreSQL on 127.0.0.1:{Port} from {DataDirectory}")]
    public static partial void Starting(this ILogger logger, int port, string dataDirectory);

    [LoggerMessage(104, LogLevel.Information, "Embedded PostgreSQL accepts connections on 127.0.0.1:{Port}")]
    public static partial void Started(this ILogger logger, int port);

    [LoggerMessage(105, LogLevel.Information, "Stopping embedded PostgreSQL on 127.0.0.1:{Port}")]
    public static partial void Stopping(this ILogger logger, int port);

    [LoggerMessage(106, LogLevel.Information, "Embedded PostgreSQL stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(107, LogLevel.Information, "Created database {Database}")]
    public static partial void CreatedDatabase(this ILogger logger, string database);

    [LoggerMessage(108, LogLevel.Warning, "PostgreSQL data directory {DataDirectory} accepts connections without a password (made by an earlier version); setting a generated superuser password and requiring passwords")]
    public static partial void UpgradingFromTrust(this ILogger logger, string dataDirectory);

    [LoggerMessage(109, LogLevel.Information, "Creating PostgreSQL role {Role} for the application (not a superuser)")]
    public static partial void CreatingRole(this ILogger logger, string role);

    [LoggerMessage(110, LogLevel.Information, "Giving database {Database} and its objects from {Owner} to the application role {Role}")]
    public static partial void TransferringOwnership(this ILogger logger, string database, string owner, string role);
}
