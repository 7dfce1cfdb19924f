using System.Diagnostics.Metrics;
using OrleansHub.Runtime.Activation;

namespace OrleansHub.Runtime.Hosting;

/// <summary>
/// The runtime's instruments, on the meter <c>OrleansHub.Runtime</c> of the host's <see cref="IMeterFactory"/>
/// (so each silo in a process has its own): the activations on this silo, and the grain calls made through
/// it. They cost next to nothing until something listens (the API's <c>/metrics</c> does).
/// </summary>
internal sealed class RuntimeMetrics
{
    public const string MeterName = "OrleansHub.Runtime";

    private readonly Counter<long> _calls;

    public RuntimeMetrics(IMeterFactory meters, Catalog catalog)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("orleanshub.grain.activations", () => catalog.Count, "{activation}", "Grain activations on this silo");
        _calls = meter.CreateCounter<long>("orleanshub.grain.calls", "{call}", "Grain calls made through this silo");
    }

    public void CallMade() => _calls.Add(1);
}
