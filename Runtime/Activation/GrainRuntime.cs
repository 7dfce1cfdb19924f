using Microsoft.Extensions.Options;
using OrleansHub.Runtime.Hosting;
using OrleansHub.Runtime.Reminders;

namespace OrleansHub.Runtime.Activation;

/// <summary>The silo-wide services an activation needs, in one place so activations stay small.</summary>
internal sealed class GrainRuntime
{
    public GrainRuntime(
        IOptions<GrainRuntimeOptions> options,
        Catalog catalog,
        GrainActivator activator,
        IGrainFactory grainFactory,
        ReminderRegistry reminders,
        RuntimeLog log)
    {
        Options = options.Value;
        Catalog = catalog;
        Activator = activator;
        GrainFactory = grainFactory;
        Reminders = reminders;
        Log = log;
        catalog.Runtime = this;
    }

    public GrainRuntimeOptions Options { get; }

    public Catalog Catalog { get; }

    public GrainActivator Activator { get; }

    public IGrainFactory GrainFactory { get; }

    public ReminderRegistry Reminders { get; }

    public RuntimeLog Log { get; }
}
