using System.Globalization;
using System.Net;
using Npgsql;
using OrleansHub.Silo.Hosting;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Hosting;

/// <summary>
/// The silo on its embedded default (issue 19): it connects as the application role, which owns every
/// table its migrations and Orleans' scripts made and is no superuser, and nothing gets in without a password.
/// </summary>
public sealed class EmbeddedDatabaseTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TheSiloRunsAsAnApplicationRoleThatOwnsItsTablesAndIsNoSuperuser()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string?>());
        using var ready = await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout);

        var port = ReadPort(silo.EmbeddedDataDirectory);
        var passwordFile = EmbeddedPostgres.PasswordFilePath(silo.EmbeddedDataDirectory, SiloDatabase.EmbeddedRoleName);
        var application = EmbeddedPostgres.ConnectionStringFor(port, SiloDatabase.EmbeddedDatabaseName, SiloDatabase.EmbeddedRoleName, passwordFile);

        await using var connection = new NpgsqlConnection(application);
        await connection.OpenAsync();
        Assert.Equal(false, await ScalarAsync(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres' AND datname = current_database()"));
        Assert.Equal(true, await ScalarAsync(connection, "SELECT count(*) > 0 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'orleansmembershiptable'"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user"));

        await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
        {
            await using var anonymous = new NpgsqlConnection(EmbeddedPostgres.ConnectionStringFor(port, "postgres", EmbeddedPostgres.Superuser, passwordFile: null));
            await anonymous.OpenAsync();
        });

        // Keys persisted to the silo's database and encrypted: DataProtection has nothing to warn about.
        Assert.DoesNotContain(
            silo.Output.Split('\n'),
            line => line.Contains(" WRN] Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal)
                    || line.Contains(" ERR] Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal));
    }

    // postmaster.pid: pid, data directory, start time, port, ...
    private static int ReadPort(string dataDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).ElementAt(3), CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
