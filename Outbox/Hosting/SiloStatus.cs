using Orleans.Runtime;
namespace OrleansHub.Outbox.Hosting;

/// <summary>
/// Whether this silo takes work: started once Orleans reaches its Active stage, stopping from the first moment of
/// its shutdown. Readiness checks use it to report "not ready" as soon as shutdown begins, so load balancers drain
/// the node while in-flight work finishes.
/// </summary>
public sealed class SiloStatus : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsStarted { get; private set; }

    public bool IsStopping => _stopping.Task.IsCompleted;

    /// <summary>Completes when the silo starts shutting down.</summary>
    public Task WhenStopping => _stopping.Task;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(SiloStatus),
            ServiceLifecycleStage.Active,
            _ =>
            {
                IsStarted = true;
                return Task.CompletedTask;
            },
            _ =>
            {
                _stopping.TrySetResult();
                return Task.CompletedTask;
            });
}
