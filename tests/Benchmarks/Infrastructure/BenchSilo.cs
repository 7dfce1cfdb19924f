using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using OrleansHub.Benchmarks.Grains;
using OrleansHub.Outbox.Hosting;
using OrleansHub.TestSupport;

namespace OrleansHub.Benchmarks.Infrastructure;

/// <summary>
/// A single Orleans silo with the benchmark grains on a fresh database of the run's PostgreSQL (a throwaway server
/// from TestSupport, or HUB_TEST_PG), configured as the product's silos are (UseOutboxOnPostgres), plus Orleans'
/// ADO.NET grain storage under <see cref="BenchStorage.AdoNet"/> for the side-by-side write benchmark.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _connectionString;

    private BenchSilo(IHost host, string connectionString)
    {
        _host = host;
        _connectionString = connectionString;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <param name="configure">More silo configuration (a benchmark's variant, e.g. the dashboard on).</param>
    public static async Task<BenchSilo> StartAsync(Action<ISiloBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync(cancellationToken);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("bench", "bench"));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), gatewayPort: 0);
            silo.UseOutboxOnPostgres(connectionString);
            silo.AddAdoNetGrainStorage(BenchStorage.AdoNet, o =>
            {
                o.Invariant = OutboxSiloBuilderExtensions.PostgresInvariant;
                o.ConnectionString = connectionString;
            });
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new BenchSilo(host, connectionString);
    }

    /// <summary>Server settings that decide what a commit costs, read through the outbox's own data source (its session settings).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadServerSettingsAsync(CancellationToken cancellationToken = default)
    {
        var database = _host.Services.GetRequiredService<NpgsqlDataSource>();
        var settings = new Dictionary<string, string>();
        foreach (var name in new[] { "server_version", "synchronous_commit", "fsync", "wal_sync_method", "full_page_writes", "shared_buffers", "commit_delay", "max_connections" })
        {
            await using var command = database.CreateCommand($"SHOW {name}");
            settings[name] = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        // The outbox's effective pool settings (it adds its defaults to the connection string), without secrets.
        settings["npgsql"] = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = null }.ConnectionString;
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (PostgresServer.IsExternal)
        {
            await PostgresServer.DropDatabaseAsync(_connectionString);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
