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
    private readonly KnownReminders _reminders = new();

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
    protected async Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        var stamp = _reminders.Start(reminderName);
        var reminder = await _activation.Runtime.Reminders.RegisterOrUpdateAsync(GrainId, reminderName, dueTime, period);
        _reminders.Finish(reminderName, stamp, exists: true);
        return reminder;
    }

    /// <summary>Removes a reminder; a no-op when it is already gone.</summary>
    protected async Task UnregisterReminder(IGrainReminder reminder)
    {
        var stamp = _reminders.Start(reminder.ReminderName);
        await _activation.Runtime.Reminders.UnregisterAsync(GrainId, reminder.ReminderName);
        _reminders.Finish(reminder.ReminderName, stamp, exists: false);
    }

    /// <summary>
    /// The reminder with this name, or null. Read from the table once per name and activation; afterwards
    /// this activation's own registrations and removals keep the answer (<see cref="KnownReminders"/>).
    /// </summary>
    protected async Task<IGrainReminder?> GetReminder(string reminderName)
    {
        switch (_reminders.Exists(reminderName))
        {
            case true:
                return new KnownReminder(reminderName);
            case false:
                return null;
        }
        var stamp = _reminders.Start(reminderName);
        var reminder = await _activation.Runtime.Reminders.GetAsync(GrainId, reminderName);
        _reminders.Finish(reminderName, stamp, exists: reminder is not null);
        return reminder;
    }

    /// <summary>
    /// A registration that commits with this grain's next state write: pass it among the write's index
    /// updates, and the reminder exists exactly when the state does (no second round trip, no reminder
    /// without its state). Validated now, as <see cref="RegisterOrUpdateReminder"/> is.
    /// </summary>
    protected IndexUpdate RegisterReminderWithWrite(string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        var update = _activation.Runtime.Reminders.RegisterUpdate(GrainId, reminderName, dueTime, period);
        _reminders.Start(reminderName); // unknown until read again: the write may still fail
        return update;
    }

    /// <summary>A removal that commits with this grain's next state write (see <see cref="RegisterReminderWithWrite"/>).</summary>
    protected IndexUpdate UnregisterReminderWithWrite(string reminderName)
    {
        _reminders.Start(reminderName);
        return ReminderRegistry.UnregisterUpdate(GrainId, reminderName);
    }

    private sealed record KnownReminder(string ReminderName) : IGrainReminder;
}
