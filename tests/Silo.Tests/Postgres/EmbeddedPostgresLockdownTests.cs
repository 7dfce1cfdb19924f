using System.Globalization;
using System.Runtime.Versioning;
using Npgsql;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Postgres;

/// <summary>
/// The embedded server as the silo runs it by default (issue 19): passwords on every connection, owner-only
/// password files, an application role that is no superuser, loopback only, and the upgrade of a data
/// directory an earlier version made with trust authentication.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class EmbeddedPostgresLockdownTests : IAsyncLifetime
{
    private const string Database = "app";
    private const string Role = "app_owner";

    private readonly string _root = TemporaryDirectory.Create("orleanshub-lockdown-test-");

    private string DataDirectory => Path.Combine(_root, "pg");

    [Fact]
    public async Task AConnectionWithoutAPasswordIsRefused()
    {
        await using var server = await StartAsync();
        await server.CreateApplicationDatabaseAsync(Database, Role, CancellationToken.None);

        foreach (var role in new[] { EmbeddedPostgres.Superuser, Role })
        {
            var error = await Assert.ThrowsAnyAsync<NpgsqlException>(
                () => ScalarAsync(EmbeddedPostgres.ConnectionStringFor(server.Port, Database, role, passwordFile: null), "SELECT 1"));
            Assert.Contains("password", error.Message, StringComparison.OrdinalIgnoreCase);
        }

        // Not only this client's manners: the server's own rules name no method but SCRAM.
        var methods = await ListAsync(server.AdminConnectionString, "SELECT DISTINCT auth_method FROM pg_hba_file_rules");
        Assert.Equal(["scram-sha-256"], methods);
    }

    [Fact]
    public async Task AConnectionWithAWrongPasswordIsRefused()
    {
        await using var server = await StartAsync();
        var application = await server.CreateApplicationDatabaseAsync(Database, Role, CancellationToken.None);

        foreach (var role in new[] { EmbeddedPostgres.Superuser, Role })
        {
            var wrong = new NpgsqlConnectionStringBuilder(application) { Username = role, Passfile = null, Password = PasswordFile.NewPassword() };
            var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(wrong.ConnectionString, "SELECT 1"));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
        }
    }

    [Fact]
    public async Task PasswordFilesAreReadableByTheirOwnerOnly()
    {
        await using var server = await StartAsync();
        await server.CreateApplicationDatabaseAsync(Database, Role, CancellationToken.None);

        foreach (var file in new[] { server.SuperuserPasswordFile, EmbeddedPostgres.PasswordFilePath(DataDirectory, Role) })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(CurrentUid(), await OwnerUidAsync(file));
        }
    }

    [Fact]
    public async Task TheApplicationRoleOwnsItsDatabaseButIsNoSuperuser()
    {
        await using var server = await StartAsync();
        var application = await server.CreateApplicationDatabaseAsync(Database, Role, CancellationToken.None);

        Assert.Equal(Role, await ScalarAsync(application, "SELECT current_user::text"));
        Assert.Equal(false, await ScalarAsync(application, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(false, await ScalarAsync(application, "SELECT rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(Role, await ScalarAsync(application, "SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()"));

        // What migrations need, it may do.
        await ExecuteAsync(application, "CREATE TABLE owned (id serial PRIMARY KEY); INSERT INTO owned DEFAULT VALUES");

        // What only a superuser (or pg_execute_server_program, pg_read_server_files) may do, it may not.
        foreach (var forbidden in new[]
                 {
                     "COPY owned TO PROGRAM 'id'",
                     "ALTER SYSTEM SET log_statement = 'all'",
                     "SELECT pg_read_file('PG_VERSION')",
                     "CREATE ROLE intruder SUPERUSER",
                 })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(application, forbidden));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
    }

    [Fact]
    public async Task TheServerListensOnLoopbackOnlyAndOnNoUnixSocket()
    {
        await using var server = await StartAsync();

        var listening = ListeningAddresses(server.Port);

        Assert.NotEmpty(listening);
        Assert.All(listening, address => Assert.Equal("0100007F", address));
        Assert.Equal("", await ScalarAsync(server.AdminConnectionString, "SHOW unix_socket_directories"));
    }

    [Fact]
    public async Task ARestartKeepsThePasswordsAndTheApplicationsData()
    {
        await using (var first = await StartAsync())
        {
            var application = await first.CreateApplicationDatabaseAsync(Database, Role, CancellationToken.None);
            await ExecuteAsync(application, "CREATE TABLE notes (text text); INSERT INTO notes VALUES ('kept')");
        }

        await using var second = await StartAsync();
        var again = await second.CreateApplicationDatabaseAsync(Database, Role, CancellationToken.None);

        Assert.Equal("kept", await ScalarAsync(again, "SELECT text FROM notes"));
    }

    [Fact]
    public async Task ADataDirectoryMadeWithTrustIsUpgradedInPlaceAndKeepsItsRows()
    {
        // As an earlier version left it: trust authentication, no password file, everything the superuser's.
        await using (var old = await StartAsync(trust: true))
        {
            var database = await old.CreateDatabaseAsync(Database, CancellationToken.None);
            await ExecuteAsync(database, """
                CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL);
                INSERT INTO notes (text) VALUES ('first'), ('second');
                CREATE VIEW note_texts AS SELECT text FROM notes;
                CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM notes';
                CREATE TYPE mood AS ENUM ('calm', 'busy');
                CREATE SCHEMA extra;
                CREATE TABLE extra.more (id bigint GENERATED ALWAYS AS IDENTITY, mood mood);
                """);
        }

        Assert.False(File.Exists(EmbeddedPostgres.PasswordFilePath(DataDirectory, EmbeddedPostgres.Superuser)));

        await using var server = await StartAsync();
        var application = await server.CreateApplicationDatabaseAsync(Database, Role, CancellationToken.None);

        await Assert.ThrowsAnyAsync<NpgsqlException>(
            () => ScalarAsync(EmbeddedPostgres.ConnectionStringFor(server.Port, Database, EmbeddedPostgres.Superuser, passwordFile: null), "SELECT 1"));
        Assert.Equal(["first", "second"], await ListAsync(application, "SELECT text FROM note_texts ORDER BY text"));
        Assert.Equal(2L, await ScalarAsync(application, "SELECT note_count()"));

        // Owning them, the application role can write through the sequences and change the tables.
        await ExecuteAsync(application, """
            INSERT INTO notes (text) VALUES ('third');
            INSERT INTO extra.more (mood) VALUES ('busy');
            ALTER TABLE notes ADD COLUMN seen boolean;
            ALTER TABLE extra.more ADD COLUMN seen boolean;
            """);
        Assert.Equal(3L, await ScalarAsync(application, "SELECT note_count()"));
        Assert.Equal(
            [],
            await ListAsync(server.ConnectionStringFor(Database), """
                SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname IN ('public', 'extra') AND pg_get_userbyid(c.relowner) <> 'app_owner'
                UNION ALL SELECT proname::text FROM pg_proc WHERE proname = 'note_count' AND pg_get_userbyid(proowner) <> 'app_owner'
                UNION ALL SELECT typname::text FROM pg_type WHERE typname = 'mood' AND pg_get_userbyid(typowner) <> 'app_owner'
                UNION ALL SELECT nspname::text FROM pg_namespace WHERE nspname = 'extra' AND pg_get_userbyid(nspowner) <> 'app_owner'
                """));
        Assert.Equal(["scram-sha-256"], await ListAsync(server.AdminConnectionString, "SELECT DISTINCT auth_method FROM pg_hba_file_rules"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await EmbeddedPostgres.StopServerAsync(DataDirectory, binDirectory: null, ShutdownMode.Immediate, CancellationToken.None);
        Directory.Delete(_root, recursive: true);
    }

    private Task<EmbeddedPostgres> StartAsync(bool trust = false) =>
        EmbeddedPostgres.StartAsync(
            new EmbeddedPostgresSettings { DataDirectory = DataDirectory, MaxConnections = 20, TrustLocalConnections = trust },
            logger: null,
            CancellationToken.None);

    // Local addresses (hex, as /proc/net prints them) of the sockets listening on the port, IPv4 and IPv6.
    private static List<string> ListeningAddresses(int port)
    {
        const string listen = "0A";
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .Where(File.Exists)
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == listen && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
            .Select(fields => fields[1].Split(':')[0])
            .ToList();
    }

    // The effective uid, from /proc: "Uid: real effective saved filesystem".
    private static string CurrentUid() =>
        File.ReadLines("/proc/self/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2];

    private static async Task<string> OwnerUidAsync(string path) =>
        (await PostgresTool.RunDirectAsync("stat", ["-c", "%u", path], TimeSpan.FromSeconds(10), CancellationToken.None)).Output;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
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

    private static async Task<List<string>> ListAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
