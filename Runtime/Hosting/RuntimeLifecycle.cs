using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Calls;
using OrleansHub.Runtime.Persistence;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Runtime.Hosting;

/// <summary>
/// Starts the silo (migrations, then calls accepted) and stops it gracefully: external calls refused,
/// running work waited for, every activation deactivated (docs/runtime.md, "Shutdown").
/// Registered before the other runtime services, so it starts first and stops last.
/// </summary>
internal sealed class RuntimeLifecycle(
    SchemaMigrator migrator,
    LocalGrainCallInvoker invoker,
    Catalog catalog,
    GrainRuntime runtime,
    GrainTypeRegistry types,
    IOptions<GrainRuntimeOptions> options,
    SiloStatus status,
    StreamSubscriptions streams,
    RuntimeLog log) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Runs before any hosted service stops: refuse new external calls from the first moment of shutdown.
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        invoker.StopAcceptingExternalCalls();
        status.MarkStopping();
        return Task.CompletedTask;
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ApplyMigrations)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        _ = runtime; // constructing it wires the catalog
        invoker.Start();
        status.MarkStarted();
        log.Started(types.Classes.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StoppingAsync(cancellationToken).ConfigureAwait(false);
        log.Stopping(catalog.Count);

        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(options.Value.ShutdownTimeout);
        if (!await WaitUntilAsync(() => catalog.Activations.All(a => !a.HasWork), drain.Token).ConfigureAwait(false))
        {
            log.ShutdownTimedOut(catalog.Activations.Count(a => a.HasWork));
        }

        catalog.StopActivating();
        var shutdown = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "silo stopping");
        var activations = catalog.Activations.ToList();
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(shutdown);
        }
        using var deactivate = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deactivate.CancelAfter(options.Value.DeactivationTimeout);
        try
        {
            await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(deactivate.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            log.ShutdownTimedOut(catalog.Count);
        }
        streams.CloseAll();
        log.Stopped();
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        // Polling a cheap in-memory condition; the activations have no shared "all idle" signal to await.
        while (!condition())
        {
            try
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return true;
    }
}
