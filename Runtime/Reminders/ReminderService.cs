using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Runtime.Calls;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Reminders;

/// <summary>Polls for due reminders, fires them on their grains, and advances them (docs/runtime.md).</summary>
internal sealed class ReminderService(
    ReminderRegistry registry,
    IGrainCallInvoker invoker,
    IOptions<GrainRuntimeOptions> options,
    RuntimeLog log) : BackgroundService
{
    private const int BatchSize = 100;

    private static readonly MethodDescriptor<object?> ReceiveReminder = (MethodDescriptor<object?>)MethodDescriptor.For(
        typeof(IRemindable).GetMethod(nameof(IRemindable.ReceiveReminder))!);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReminderPollInterval);
        do
        {
            try
            {
                while (await FireDueAsync(stoppingToken) == BatchSize)
                {
                    // a full batch: more may be due, go again at once
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                log.ReminderPollFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        var due = await registry.ClaimDueAsync(BatchSize, options.Value.ReminderLease, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(due.Select(reminder => FireAsync(reminder, cancellationToken))).ConfigureAwait(false);
        return due.Count;
    }

    private async Task FireAsync(ReminderRegistry.Claimed reminder, CancellationToken cancellationToken)
    {
        try
        {
            var status = new TickStatus(reminder.FirstDue, reminder.Period, reminder.Due);
            await invoker.InvokeAsync(reminder.Grain, ReceiveReminder, [reminder.Name, status], newGrain: false).ConfigureAwait(false);
            await registry.AdvanceAsync(reminder, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            log.ReminderFailed(reminder.Name, reminder.Grain, exception);
        }
    }
}
