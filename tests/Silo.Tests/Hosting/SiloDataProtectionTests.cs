using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using OrleansHub.Grains;
using OrleansHub.Silo.DataProtection;
using OrleansHub.TestSupport;

namespace OrleansHub.Silo.Tests.Hosting;

/// <summary>
/// DataProtection as the silo registers it (issue 19): keys in PostgreSQL, shared by every host on the
/// database, their material encrypted under a key derived from the signing key, and no warning about it.
/// </summary>
public sealed class SiloDataProtectionTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string DataProtectionCategory = "Microsoft.AspNetCore.DataProtection";

    [Fact]
    public async Task KeysAreStoredEncryptedInPostgresAndDataProtectionLogsNoWarning()
    {
        var database = await CreateDatabaseAsync();
        using var host = await StartHostAsync(database, NewSigningKey());

        var protector = host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        Assert.Equal("payload", protector.Unprotect(protector.Protect("payload")));

        var logs = host.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        var dataProtection = logs.Where(log => log.Category?.StartsWith(DataProtectionCategory, StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(dataProtection);
        Assert.DoesNotContain(dataProtection, log => log.Level >= LogLevel.Warning);

        var stored = await ListAsync(database, "SELECT xml FROM data_protection_keys");
        var key = Assert.Single(stored);
        Assert.Contains("encryptedSecret", key, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoHostsOnOneDatabaseUnprotectEachOthersPayloads()
    {
        var database = await CreateDatabaseAsync();
        var signingKey = NewSigningKey();
        using var first = await StartHostAsync(database, signingKey);
        using var second = await StartHostAsync(database, signingKey);
        var fromFirst = Protector(first).Protect("from the first");
        var fromSecond = Protector(second).Protect("from the second");

        Assert.Equal("from the first", Protector(second).Unprotect(fromFirst));
        Assert.Equal("from the second", Protector(first).Unprotect(fromSecond));
        Assert.Single(await ListAsync(database, "SELECT name FROM data_protection_keys"));
    }

    [Fact]
    public async Task AHostWithAnotherSigningKeyCannotReadTheStoredKeys()
    {
        var database = await CreateDatabaseAsync();
        using var first = await StartHostAsync(database, NewSigningKey());
        var payload = Protector(first).Protect("secret");

        using var stranger = await StartHostAsync(database, NewSigningKey());

        Assert.ThrowsAny<CryptographicException>(() => Protector(stranger).Unprotect(payload));
        Assert.Equal("its own", Protector(stranger).Unprotect(Protector(stranger).Protect("its own")));
    }

    private static IDataProtector Protector(IHost host) =>
        host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("OrleansHub.Tests");

    private static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // A fresh database with the silo's migration for the key table, as the silo's migrations leave it.
    private async Task<string> CreateDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        using var reader = new StreamReader(typeof(GrainsSetup).Assembly.GetManifestResourceStream("sql/0500_data_protection_keys.sql")
                                            ?? throw new InvalidOperationException("The Grains assembly does not embed 0500_data_protection_keys.sql."));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(await reader.ReadToEndAsync(), connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    private static async Task<IHost> StartHostAsync(string database, string signingKey)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Auth:SigningKey"] = signingKey;
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(database));
        builder.Services.AddSiloDataProtection();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<List<string>> ListAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
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
