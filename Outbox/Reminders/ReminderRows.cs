using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Outbox.Reminders;

/// <summary>
/// Orleans reminders registered and removed as index rows of a grain's state write: the row in Orleans' reminder
/// table (<c>OrleansRemindersTable</c>, written by Orleans' own <c>upsert_reminder_row</c> function) commits with the
/// state, so the reminder exists exactly when the state that needs it does, and costs no commit of its own (a
/// registration through Orleans is a transaction per call: two per order more than halved the REST throughput,
/// docs/performance.md). Orleans' reminder service loads rows written this way when it next reads its range, every
/// <c>Reminders:RefreshReminderListPeriod</c> (Orleans' default 5 minutes), so only a reminder first due later than
/// that may take this path (<see cref="LoadedInTime"/>); a sooner one is registered through Orleans. A removal can
/// always commit with the write: a reminder the service had loaded fires at most until its next read, and its
/// handler, idempotent as every reminder handler is, finds nothing to do.
/// </summary>
public sealed class ReminderRows(IOptions<ClusterOptions> cluster, IOptions<ReminderOptions> reminders, TimeProvider clock)
{
    /// <summary>True when a reminder first due after <paramref name="dueTime"/> is loaded before it is due.</summary>
    public bool LoadedInTime(TimeSpan dueTime) => dueTime >= reminders.Value.RefreshReminderListPeriod;

    /// <summary>Registers (or moves) the reminder <paramref name="name"/> of <paramref name="grain"/> with the write.</summary>
    public IndexUpdate Register(GrainId grain, string name, TimeSpan dueTime, TimeSpan period) =>
        new("SELECT upsert_reminder_row($1, $2, $3, $4, $5, $6)",
            cluster.Value.ServiceId, grain.ToString(), name, clock.GetUtcNow() + dueTime, (long)period.TotalMilliseconds,
            unchecked((int)grain.GetUniformHashCode()));

    /// <summary>Removes the reminder <paramref name="name"/> of <paramref name="grain"/> with the write (a no-op when it is gone).</summary>
    public IndexUpdate Unregister(GrainId grain, string name) =>
        new("DELETE FROM orleansreminderstable WHERE serviceid = $1 AND grainid = $2 AND remindername = $3",
            cluster.Value.ServiceId, grain.ToString(), name);
}
