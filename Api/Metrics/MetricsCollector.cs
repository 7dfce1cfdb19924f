using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace OrleansHub.Api.Metrics;

/// <summary>
/// Listens to the <see cref="System.Diagnostics.Metrics"/> instruments worth exposing and keeps their
/// running totals, for <c>GET /metrics</c> (written when prometheus-net was not served here; it is now, and replacing this with it is open work, issue 21). Only meters of this
/// host (created by its <see cref="IMeterFactory"/>) and process-wide ones (<c>System.Runtime</c>) are
/// taken, so two hosts in one process (tests) never count each other's requests.
/// </summary>
internal sealed class MetricsCollector : IHostedService, IDisposable
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
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _series = new();
    private readonly Lock _scrape = new();

    public MetricsCollector(IMeterFactory meterFactory)
    {
        _meterFactory = meterFactory;
        _listener.InstrumentPublished = Publish;
        _listener.MeasurementsCompleted = (instrument, _) => _series.TryRemove(instrument, out InstrumentSeries? _);
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record((double)value, tags));
    }

    /// <summary>Starts listening; measurements from before this are not counted.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads the observable instruments now, then returns every series in exposition order.</summary>
    public IReadOnlyList<InstrumentSeries> Collect()
    {
        lock (_scrape)
        {
            foreach (var series in _series.Values.Where(series => series.Kind == SeriesKind.Observed))
            {
                series.Clear(); // an observable reports its whole state each time
            }
            _listener.RecordObservableInstruments();
            return [.. _series.Values.OrderBy(series => series.Name, StringComparer.Ordinal)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Publish(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        var wanted = meter.Name.StartsWith(OwnMeterPrefix, StringComparison.Ordinal) || Meters.Contains(meter.Name);
        if (!wanted || (meter.Scope is not null && !ReferenceEquals(meter.Scope, _meterFactory)))
        {
            return;
        }
        var series = _series.GetOrAdd(instrument, static instrument => new InstrumentSeries(instrument));
        listener.EnableMeasurementEvents(instrument, series);
    }
}
