using Microsoft.Extensions.Options;
using OrleansHub.Api.Realtime;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Holds a stopping silo in the draining state for <see cref="SiloOptions.DrainDelay"/>. The host signals
/// ApplicationStopping (readiness answers 503 from then on) before it calls the hosted services' StoppingAsync,
/// and stops Kestrel and Orleans only after every StoppingAsync returned: so for the delay, requests are still
/// served while load balancers take the node out. Cut short when the host's shutdown timeout runs out. Then it closes
/// the hub connections still open (<see cref="HubShutdown"/>): their clients reconnect to a node the
/// balancer still routes to, and Kestrel's stop does not wait for their WebSockets.
/// </summary>
internal sealed partial class ShutdownDrain(
    IOptions<SiloOptions> options,
    HubShutdown hub,
    ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.DrainDelay;
        if (delay > TimeSpan.Zero)
        {
            Draining(logger, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The shutdown timeout ended the drain early; stopping goes on.
            }
        }
        ClosedHubConnections(logger, hub.CloseAll());
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Draining: not ready, still serving for {Seconds:0.#} s so load balancers take this node out")]
    private static partial void Draining(ILogger logger, double seconds);

    [LoggerMessage(2, LogLevel.Information, "Drained: closed {Count} hub connections so their clients reconnect to another node")]
    private static partial void ClosedHubConnections(ILogger logger, int count);
}
