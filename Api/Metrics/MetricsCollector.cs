using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace OrleansHub.Api.Metrics;

/// <summary>
/// Feeds the <see cref="System.Diagnostics.Metrics"/> instruments worth exposing into this host's
/// prometheus-net <see cref="CollectorRegistry"/>, under the names docs/operations.md documents.
/// prometheus-net's <c>MeterAdapter</c> is not used: it names families <c>&lt;meter&gt;_&lt;instrument&gt;</c>,
/// exposes counters as gauges, drops a series after five minutes without change, and listens to every
/// meter of the process. Only meters of this host (created by its <see cref="IMeterFactory"/>) and
/// process-wide ones (<c>System.Runtime</c>) are taken, so two hosts in one process (tests) never count
/// each other's requests.
/// </summary>
internal sealed partial class MetricsCollector : IHostedService, IDisposable
{
    /// <summary>Meters exposed: HTTP server, Kestrel, rate limiting, SignalR connections, Orleans, GC and process, and ours.</summary>
    private static readonly string[] Meters =
    [
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Http.Connections",
        "System.Runtime",
    ];

    private const string OwnMeterPrefix = "OrleansHub.";

    private readonly IMeterFactory _meterFactory;
    private readonly MetricFactory _prometheus;
    private readonly ILogger<MetricsCollector> _log;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentCollectors> _observable = new();
    private readonly Lock _read = new();
    private bool _disposed;

    public MetricsCollector(IMeterFactory meterFactory, CollectorRegistry registry, ILogger<MetricsCollector> log)
    {
        _meterFactory = meterFactory;
        _log = log;
        // Exemplars would tag a sample with whatever trace happened to be current when .NET recorded it.
        _prometheus = Prometheus.Metrics.WithCustomRegistry(registry);
        _prometheus.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _listener.InstrumentPublished = Publish;
        _listener.MeasurementsCompleted = Complete;
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentCollectors)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentCollectors)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentCollectors)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentCollectors)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentCollectors)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentCollectors)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentCollectors)state!).Record((double)value, tags));
        registry.AddBeforeCollectCallback(ReadObservableInstruments);
    }

    /// <summary>Starts listening; measurements from before this are not counted.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_read)
        {
            _disposed = true;
            _listener.Dispose();
        }
    }

    /// <summary>Before each scrape: observable instruments report now, and label sets they dropped go.</summary>
    private void ReadObservableInstruments()
    {
        lock (_read)
        {
            if (_disposed)
            {
                return;
            }
            var observable = _observable.Values.ToList();
            observable.ForEach(collectors => collectors.BeginRead());
            _listener.RecordObservableInstruments();
            observable.ForEach(collectors => collectors.EndRead());
        }
    }

    private void Publish(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        var wanted = meter.Name.StartsWith(OwnMeterPrefix, StringComparison.Ordinal) || Meters.Contains(meter.Name);
        if (!wanted || (meter.Scope is not null && !ReferenceEquals(meter.Scope, _meterFactory)))
        {
            return;
        }
        InstrumentCollectors collectors;
        try
        {
            collectors = new InstrumentCollectors(instrument, _prometheus);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Another instrument took the name with another type, or the advised buckets are not increasing.
            NotExported(meter.Name, instrument.Name, e.Message);
            return;
        }
        if (collectors.IsObservable)
        {
            _observable[instrument] = collectors;
        }
        listener.EnableMeasurementEvents(instrument, collectors);
    }

    private void Complete(Instrument instrument, object? state)
    {
        lock (_read)
        {
            _observable.TryRemove(instrument, out _);
            (state as InstrumentCollectors)?.Complete();
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Instrument {Meter}/{Instrument} is not exported on /metrics: {Reason}")]
    private partial void NotExported(string meter, string instrument, string reason);
}
