using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// What keeps the embedded server closed (issue 19): passwords on every connection, an application role
/// that is not a superuser, and the in-place upgrade of a data directory an earlier version made with trust
/// authentication and a superuser-owned database.
/// </summary>
internal sealed partial class EmbeddedPostgres
{
    // Loopback only, SCRAM only. Replication is not listed, so it is refused; there is no unix socket
    // (unix_socket_directories is empty), the local line only keeps a manually started server closed too.
    private const string HostBasedAuthentication = """
        # Written by OrleansHub at every start: every connection needs a password (SCRAM), loopback only.
        # TYPE  DATABASE  USER  ADDRESS       METHOD
        local   all       all                 scram-sha-256
        host    all       all   127.0.0.1/32  scram-sha-256
        host    all       all   ::1/128       scram-sha-256

        """;

    /// <summary>
    /// Makes <paramref name="role"/> (LOGIN, not a superuser, cannot create roles or databases) the owner of
    /// <paramref name="database"/> and everything in it, creating either when missing, and returns the
    /// connection string the application uses: as that role, its password read from its own owner-only file.
    /// Idempotent; run at every start, it also completes an interrupted upgrade.
    /// </summary>
    public async Task<string> CreateApplicationDatabaseAsync(string database, string role, CancellationToken cancellationToken)
    {
        RequirePlainName(database, nameof(database));
        RequirePlainName(role, nameof(role));
        if (!RequiresPasswords)
        {
            throw new InvalidOperationException("An application role needs a server that requires passwords.");
        }

        var passwordFile = PasswordFilePath(DataDirectory, role);
        var password = PasswordFile.Read(passwordFile, role);
        if (password is null)
        {
            password = PasswordFile.NewPassword();
            PasswordFile.Write(passwordFile, role, password);
        }

        // The file is the truth: the role gets its password from it at every start. Names are checked
        // plain and the password is hex, so neither needs quoting beyond what is written here.
        var attributes = $"LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS PASSWORD '{password}'";
        var roleExists = (bool)(await ScalarAsync(AdminConnectionString, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role, cancellationToken).ConfigureAwait(false))!;
        if (!roleExists)
        {
            _logger.CreatingRole(role);
        }

        await ExecuteAsync(AdminConnectionString, roleExists ? $"ALTER ROLE \"{role}\" WITH {attributes}" : $"CREATE ROLE \"{role}\" {attributes}", cancellationToken).ConfigureAwait(false);

        var owner = (string?)await ScalarAsync(
            AdminConnectionString, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", database, cancellationToken).ConfigureAwait(false);
        if (owner is null)
        {
            await ExecuteAsync(AdminConnectionString, $"CREATE DATABASE \"{database}\" OWNER \"{role}\"", cancellationToken).ConfigureAwait(false);
            _logger.CreatedDatabase(database);
        }
        else if (owner != role)
        {
            _logger.TransferringOwnership(database, owner, role);
            await ExecuteAsync(AdminConnectionString, $"ALTER DATABASE \"{database}\" OWNER TO \"{role}\"", cancellationToken).ConfigureAwait(false);
        }

        // Tables, functions and schemas an earlier version created as the superuser. Harmless when there are none.
        await ExecuteAsync(ConnectionStringFor(database), TransferOwnershipSql(role), cancellationToken).ConfigureAwait(false);
        return ConnectionStringFor(Port, database, role, passwordFile);
    }

    // The bootstrap superuser's objects cannot be handed over with REASSIGN OWNED (its system catalogs
    // would go too), so each schema, relation, routine and type outside the system schemas and extensions
    // is altered on its own. Indexes, and sequences owned by a column, follow their table.
    private static string TransferOwnershipSql(string role) => $$"""
        DO $transfer$
        DECLARE
            superuser oid := (SELECT oid FROM pg_roles WHERE rolname = '{{Superuser}}');
            item record;
        BEGIN
            FOR item IN
                SELECT format('ALTER SCHEMA %I OWNER TO "{{role}}"', n.nspname) AS statement
                FROM pg_namespace n
                WHERE n.nspowner = superuser AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
                UNION ALL
                SELECT format('ALTER %s %s OWNER TO "{{role}}"',
                              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                             WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                              c.oid::regclass)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = superuser AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
                UNION ALL
                SELECT format('ALTER ROUTINE %s OWNER TO "{{role}}"', p.oid::regprocedure)
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.proowner = superuser AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
                UNION ALL
                SELECT format('ALTER %s %s OWNER TO "{{role}}"', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typowner = superuser AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
                  AND (t.typtype IN ('e', 'd', 'r')
                       OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
            LOOP
                EXECUTE item.statement;
            END LOOP;
        END
        $transfer$
        """;

    /// <summary>
    /// Upgrades a data directory an earlier version initialised with trust authentication: gives the
    /// superuser a generated password (kept in its file), makes pg_hba.conf require passwords, and restarts
    /// the server so no connection made after this returns can skip the password.
    /// </summary>
    private async Task UpgradeFromTrustAsync(int maxConnections, CancellationToken cancellationToken)
    {
        _logger.UpgradingFromTrust(DataDirectory);
        var password = PasswordFile.NewPassword();
        var trusted = new NpgsqlConnectionStringBuilder(ConnectionStringFor(Port, "postgres", Superuser, passwordFile: null)) { Pooling = false }.ConnectionString;
        try
        {
            await ExecuteAsync(trusted, $"ALTER ROLE \"{Superuser}\" WITH PASSWORD '{password}'", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new EmbeddedPostgresException(
                $"PostgreSQL in {DataDirectory} requires a password but {SuperuserPasswordFile} is missing; restore the file, "
                + "or move the data directory away to start afresh.", ex);
        }

        // Password first, then the file, then pg_hba.conf: a crash between any two leaves a directory the
        // next start finishes (no file: upgraded again; file but trusting: pg_hba.conf rewritten before start).
        PasswordFile.Write(SuperuserPasswordFile, Superuser, password);
        RequirePasswordsInHostBasedAuthentication(DataDirectory);
        await StopServerAsync(_binaries, DataDirectory, ShutdownMode.Fast, cancellationToken).ConfigureAwait(false);
        await StartServerAsync(maxConnections, cancellationToken).ConfigureAwait(false);
    }

    // Rewritten in place rather than replaced: the file belongs to the server's user, which may not be ours.
    private static void RequirePasswordsInHostBasedAuthentication(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "pg_hba.conf");
        if (!File.Exists(path) || File.ReadAllText(path) != HostBasedAuthentication)
        {
            File.WriteAllText(path, HostBasedAuthentication);
        }
    }

    // Bootstrap connections are not pooled: none of the superuser's stays open once the silo runs.
    private static NpgsqlConnection Unpooled(string connectionString) =>
        new(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var connection = Unpooled(connectionString);
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

    private static async Task<object?> ScalarAsync(string connectionString, string sql, string parameter, CancellationToken cancellationToken)
    {
        var connection = Unpooled(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
                var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return value is DBNull ? null : value;
            }
        }
    }
}
