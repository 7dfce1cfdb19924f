namespace OrleansHub.Runtime.Hosting;

/// <summary>
/// Whether this silo takes calls. Readiness checks use it to report "not ready" as soon as shutdown
/// begins, so load balancers drain the node while in-flight work finishes.
/// </summary>
public sealed class SiloStatus
{
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsStarted { get; private set; }

    public bool IsStopping => _stopping.Task.IsCompleted;

    /// <summary>Completes when the silo starts refusing new external calls.</summary>
    public Task WhenStopping => _stopping.Task;

    internal void MarkStarted() => IsStarted = true;

    internal void MarkStopping() => _stopping.TrySetResult();
}
