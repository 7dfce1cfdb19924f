using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// Every <see cref="RealtimeOptions.AccessRecheckInterval"/>, checks each connection's credentials (session still
/// active, API key not revoked) and subscriptions (policy still allows) again: the safety net behind the events the
/// hub reacts to at once (logout, removal from a workspace), for access lost any other way.
/// </summary>
internal sealed class AccessRecheckService(IServiceProvider services, IOptions<RealtimeOptions> options, ILogger<AccessRecheckService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A host without the grain runtime (the API alone, as some tests run it) has no streams, so no hub connections.
        if (services.GetService<StreamSubscriptions>() is null)
        {
            return;
        }
        var connections = services.GetRequiredService<StatusConnections>();
        using var timer = new PeriodicTimer(options.Value.AccessRecheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await connections.RecheckAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                RealtimeLog.RecheckFailed(log, exception);
            }
        }
    }
}
