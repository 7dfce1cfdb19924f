namespace OrleansHub.Runtime.Calls;

/// <summary>
/// One request to one activation: a method call, a timer tick or a reminder. Carries its own completion,
/// so whoever holds it (mailbox, sweeper, shutdown) can fail it without knowing the result type.
/// </summary>
internal abstract class GrainRequest(bool interleaves, bool keepsAlive)
{
    /// <summary>When the request was made (Environment.TickCount64), for the response timeout.</summary>
    public long CreatedAtMs { get; } = Environment.TickCount64;

    /// <summary>Starts even while a non-reentrant activation is busy ([AlwaysInterleave]).</summary>
    public bool Interleaves { get; } = interleaves;

    /// <summary>Counts as activity for idle collection (calls do, timer ticks do not).</summary>
    public bool KeepsAlive { get; } = keepsAlive;

    /// <summary>
    /// The caller promises the grain has no stored state (<see cref="IGrainFactory.GetNewGrain{TGrainInterface}"/>):
    /// if this request creates the activation, its states start empty without a read.
    /// </summary>
    public bool NewGrain { get; init; }

    public abstract bool IsCompleted { get; }

    /// <summary>Runs the request against the grain instance; completes the caller's task; never throws.</summary>
    public abstract Task RunAsync(object grain);

    public abstract void Fail(Exception exception);
}

internal sealed class GrainRequest<TResult>(
    Func<object, object?[], Task<TResult>> invoke,
    object?[] arguments,
    bool interleaves,
    bool keepsAlive) : GrainRequest(interleaves, keepsAlive)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    public override async Task RunAsync(object grain)
    {
        try
        {
            var result = await invoke(grain, arguments);
            _completion.TrySetResult(result);
        }
        catch (Exception exception)
        {
            _completion.TrySetException(exception);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
