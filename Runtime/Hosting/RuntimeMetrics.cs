using System.Diagnostics.Metrics;
using OrleansHub.Runtime.Activation;

namespace OrleansHub.Runtime.Hosting;

/// <summary>
/// The runtime's instruments, on the meter <c>OrleansHub.Runtime</c> of the host's <see cref="IMeterFactory"/>
/// (so each silo in a process has its own): the activations on this silo, in all and by grain type, and the
/// grain calls made through it. They cost next to nothing until something listens (the API's <c>/metrics</c>
/// does).
/// </summary>
internal sealed class RuntimeMetrics
{
    public const string MeterName = "OrleansHub.Runtime";
    private const string ActivationsByType = "orleanshub.grain.activations.by_type";
    private const string GrainTypeTag = "grain.type";

    private readonly Counter<long> _calls;

    public RuntimeMetrics(IMeterFactory meters, Catalog catalog, GrainTypeRegistry types)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("orleanshub.grain.activations", () => catalog.Count, "{activation}", "Grain activations on this silo");
        meter.CreateObservableGauge(ActivationsByType, () => CountByType(catalog, types), "{activation}",
            "Grain activations on this silo, by grain type");
        _calls = meter.CreateCounter<long>("orleanshub.grain.calls", "{call}", "Grain calls made through this silo");
    }

    public void CallMade() => _calls.Add(1);

    // One pass over the catalog per observation (a scrape), rather than bookkeeping on every activation;
    // every registered type is reported, with 0 when it has none, so its series never goes stale.
    private static IEnumerable<Measurement<int>> CountByType(Catalog catalog, GrainTypeRegistry types)
    {
        var counts = types.Classes.ToDictionary(static c => c, static _ => 0);
        foreach (var activation in catalog.Activations)
        {
            counts[activation.GrainClass]++;
        }
        return counts.Select(static pair =>
            new Measurement<int>(pair.Value, new KeyValuePair<string, object?>(GrainTypeTag, pair.Key.TypeName)));
    }
}
