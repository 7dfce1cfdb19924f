using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// Connection strings, password-file paths, free ports and plain databases on the embedded server:
/// what callers and the other parts use to reach it.
/// </summary>
internal sealed partial class EmbeddedPostgres
{
    /// <summary>Connection string for the <c>postgres</c> maintenance database, without pooling.</summary>
    public string AdminConnectionString =>
        new NpgsqlConnectionStringBuilder(ConnectionStringFor("postgres")) { Pooling = false }.ConnectionString;

    // Until an earlier version's data directory is upgraded it has no password file, and its server
    // still trusts loopback connections: the one time a superuser connection goes without a password.
    private string BootstrapConnectionString =>
        RequiresPasswords && !File.Exists(SuperuserPasswordFile)
            ? new NpgsqlConnectionStringBuilder(ConnectionStringFor(Port, "postgres", Superuser, passwordFile: null)) { Pooling = false }.ConnectionString
            : AdminConnectionString;

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

    /// <summary>A port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
