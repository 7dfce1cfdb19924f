using Orleans.Runtime;
using OrleansHub.Outbox.Tests.Infrastructure;

namespace OrleansHub.Outbox.Tests.Grains;

public interface IReminderGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan due, TimeSpan period);

    Task StopAsync();
}

/// <summary>A grain with an Orleans reminder (ADO.NET reminder table) that reports each tick to the test's probe.</summary>
[GrainType("reminded")]
public sealed class ReminderGrain(Probe probe) : Grain, IReminderGrain, IRemindable
{
    public Task StartAsync(TimeSpan due, TimeSpan period) => this.RegisterOrUpdateReminder("tick", due, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder("tick") is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.Signal($"reminder:{this.GetPrimaryKeyString()}");
        probe.Signal($"reminder:{this.GetPrimaryKeyString()}:{RuntimeIdentity}");
        return Task.CompletedTask;
    }
}
