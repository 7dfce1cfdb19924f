using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Activation;

/// <summary>Every CollectionQuantum, deactivates activations idle for CollectionAge.</summary>
internal sealed class ActivationCollector(Catalog catalog, IOptions<GrainRuntimeOptions> options, RuntimeLog log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var age = (long)options.Value.CollectionAge.TotalMilliseconds;
        using var timer = new PeriodicTimer(options.Value.CollectionQuantum);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                var collected = 0;
                foreach (var activation in catalog.Activations)
                {
                    if (activation.IsIdle(now, age))
                    {
                        activation.DeactivateIfIdle(now, age);
                        collected++;
                    }
                }
                if (collected > 0)
                {
                    log.Collected(collected);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
