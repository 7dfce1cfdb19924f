using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Calls;

/// <summary>
/// Fails requests older than ResponseTimeout with TimeoutException (docs/runtime.md). One sweep over the
/// activations replaces a timer per call; a request therefore fails between 1 and 1.25 timeouts after it was made.
/// </summary>
internal sealed class ResponseTimeoutSweeper(Catalog catalog, IOptions<GrainRuntimeOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = options.Value.ResponseTimeout;
        var interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(5).Ticks, TimeSpan.FromSeconds(1).Ticks));
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                foreach (var activation in catalog.Activations)
                {
                    activation.ExpireRequests(now, (long)timeout.TotalMilliseconds);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
