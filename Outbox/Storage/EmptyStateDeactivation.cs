using Orleans.Core;
using Orleans.Runtime;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// The outbox states of one activation (each <see cref="OutboxState{TState}"/> adds itself when the grain is built).
/// </summary>
internal sealed class ActivationOutboxStates
{
    private readonly List<IStorage> _states = [];

    public static void Add(IGrainContext context, IStorage state)
    {
        var states = context.GetComponent<ActivationOutboxStates>();
        if (states is null)
        {
            states = new ActivationOutboxStates();
            context.SetComponent(states);
        }
        states._states.Add(state);
    }

    /// <summary>True when none of the activation's states has a stored record.</summary>
    public bool NoneStored => _states.TrueForAll(state => !state.RecordExists);
}

/// <summary>
/// An activation whose outbox state has no stored record once a call is done (a lookup of an id that does not exist,
/// a create that was refused) deactivates at once instead of after the collection age: otherwise every probe of a
/// made-up id would hold memory for 15 minutes. Grains without outbox state are left alone.
/// </summary>
internal sealed class EmptyStateDeactivation : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (context.TargetContext.GetComponent<ActivationOutboxStates>() is { NoneStored: true })
            {
                context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "No stored state"));
            }
        }
    }
}
