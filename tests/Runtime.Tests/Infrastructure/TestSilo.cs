using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Tests.Infrastructure;

/// <summary>A real single-silo host (runtime + test grains) on a real PostgreSQL database.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestSilo(IHost host, Probe probe)
    {
        _host = host;
        Probe = probe;
    }

    public Probe Probe { get; }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a silo on <paramref name="connectionString"/>; <paramref name="options"/> are "Runtime" settings.</summary>
    public static async Task<TestSilo> StartAsync(
        string connectionString, IDictionary<string, string?>? options = null, Probe? probe = null)
    {
        probe ??= new Probe();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
            (options ?? new Dictionary<string, string?>()).ToDictionary(kv => $"Runtime:{kv.Key}", kv => kv.Value));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(probe);
        builder.Services.AddGrainRuntime(connectionString)
            .AddGrains(typeof(TestSilo).Assembly)
            .AddMigrations(typeof(TestSilo).Assembly);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, probe);
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
