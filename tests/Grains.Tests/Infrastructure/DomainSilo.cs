using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansHub.Execution;
using OrleansHub.Runtime;
using OrleansHub.Runtime.Hosting;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Grains.Tests.Infrastructure;

/// <summary>An in-process silo with every domain grain and service (AddHubGrains, AddTaskExecution), wired like Silo/Program.cs, on a real PostgreSQL database.</summary>
public sealed class DomainSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private DomainSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public StreamSubscriptions Streams => _host.Services.GetRequiredService<StreamSubscriptions>();

    /// <summary>This silo's activations of <paramref name="grainType"/> now, read from the runtime's by-type gauge.</summary>
    public int ActivationsOf(string grainType)
    {
        var factory = _host.Services.GetRequiredService<IMeterFactory>();
        int? count = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "orleanshub.grain.activations.by_type")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "grain.type" && (string?)tag.Value == grainType)
                {
                    count = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return count ?? throw new InvalidOperationException($"The silo reports no grain type '{grainType}'.");
    }

    /// <summary>
    /// Waits until the silo holds exactly <paramref name="expected"/> activations of <paramref name="grainType"/>
    /// (deactivation finishes after the call that asked for it has answered); fails after 10 seconds.
    /// </summary>
    public async Task WaitForActivationsAsync(string grainType, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int count;
        while ((count = ActivationsOf(grainType)) != expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The silo still holds {count} '{grainType}' activations, not {expected}.");
            }
            await Task.Delay(10);
        }
    }

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
        builder.Services.AddTaskExecution();
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
