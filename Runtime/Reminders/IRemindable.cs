namespace OrleansHub.Runtime;

/// <summary>A grain that receives durable reminders. Firing is at least once: handlers must be idempotent.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Called when the reminder named <paramref name="reminderName"/> is due.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>When a reminder first fired, its period, and the tick being delivered.</summary>
public sealed record TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>A registered reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }
}
