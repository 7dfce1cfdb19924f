using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansHub.Runtime;
using OrleansHub.Runtime.Hosting;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Grains.Tests.Infrastructure;

/// <summary>An in-process silo with every domain grain and service (AddHubGrains), on a real PostgreSQL database.</summary>
public sealed class DomainSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private DomainSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public StreamSubscriptions Streams => _host.Services.GetRequiredService<StreamSubscriptions>();

    /// <summary>Starts a silo; <paramref name="settings"/> are configuration keys such as "Tasks:MaxRunningPerWorkspace".</summary>
    public static async Task<DomainSilo> StartAsync(string connectionString, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Services.AddGrainRuntime(connectionString)
            .AddGrains(typeof(GrainsSetup).Assembly)
            .AddMigrations(typeof(GrainsSetup).Assembly);
        builder.Services.AddHubGrains();
        var host = builder.Build();
        await host.StartAsync();
        return new DomainSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
