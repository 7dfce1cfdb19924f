using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Reminders;

namespace OrleansHub.Runtime;

/// <summary>
/// Base class of every grain. Constructed by the runtime on the activation's scheduler, which is how
/// it finds its activation (as Orleans' <c>Grain</c> does through its runtime context).
/// </summary>
public abstract class Grain
{
    private readonly ActivationData _activation;

    protected Grain()
    {
        _activation = ActivationScheduler.Running?.Activation
            ?? throw new InvalidOperationException("Grains are created by the runtime; use IGrainFactory.GetGrain.");
    }

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => _activation.Id;

    /// <summary>The string key this grain was addressed with.</summary>
    public string GetPrimaryKeyString() => _activation.Id.Key;

    /// <summary>Factory for references to other grains (and to this one).</summary>
    protected IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    /// <summary>Runs as the activation's first turn, after persistent state has been read.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs as the activation's last turn; bounded by <c>Runtime:DeactivationTimeout</c>.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate once the running requests finish; queued requests go to a new activation.</summary>
    protected void DeactivateOnIdle() =>
        _activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle"));

    /// <summary>
    /// Keeps this activation from being collected as idle for at least <paramref name="timeSpan"/> (e.g. while
    /// it follows work that does not call it). Shutdown and explicit deactivation still end it.
    /// </summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => _activation.DelayDeactivation(timeSpan);

    /// <summary>
    /// A timer whose ticks are turns of this activation (they respect non-reentrancy). The next tick is
    /// scheduled after the callback finishes. Dispose to stop; it also stops when the activation ends.
    /// </summary>
    protected IDisposable RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        _activation.RegisterTimer(callback, dueTime, period);

    /// <summary>Creates or updates a durable reminder; it fires <see cref="IRemindable.ReceiveReminder"/> even after restarts.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _activation.Runtime.Reminders.RegisterOrUpdateAsync(GrainId, reminderName, dueTime, period);

    /// <summary>Removes a reminder; a no-op when it is already gone.</summary>
    protected Task UnregisterReminder(IGrainReminder reminder) =>
        _activation.Runtime.Reminders.UnregisterAsync(GrainId, reminder.ReminderName);

    /// <summary>The reminder with this name, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string reminderName) =>
        _activation.Runtime.Reminders.GetAsync(GrainId, reminderName);
}
