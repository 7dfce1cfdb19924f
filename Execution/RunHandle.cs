using System.Threading.Channels;
using OrleansHub.Execution.Output;

namespace OrleansHub.Execution;

/// <summary>Why an executor stopped a run before it ended by itself.</summary>
internal enum StopReason
{
    None,
    Cancelled,
    TimedOut,
    Shutdown,
    Failed,
}

/// <summary>
/// The executors' shared implementation of <see cref="IRunHandle"/>: the output, the result, and
/// the one stop request that wins (cancel, timeout, shutdown or an executor failure).
/// </summary>
internal sealed class RunHandle : IRunHandle
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abandon = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RunResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _clock;
    private int _stopReason;
    private int _disposed;

    public RunHandle(string runId, OutputCollector output, TimeProvider clock)
    {
        RunId = runId;
        _clock = clock;
        Collector = output;
    }

    public string RunId { get; }

    public DateTimeOffset? StartedAt { get; private set; }

    public ChannelReader<OutputLine> Output => Collector.Reader;

    public Task<RunResult> Completion => _completion.Task;

    public OutputCollector Collector { get; }

    /// <summary>Cancelled when any stop was requested; <see cref="StopReason"/> says which.</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Cancelled when the handle is disposed: nobody reads the output any more.</summary>
    public CancellationToken AbandonToken => _abandon.Token;

    public StopReason StopReason => (StopReason)Volatile.Read(ref _stopReason);

    /// <summary>The readable reason of a <see cref="StopReason.Failed"/> stop.</summary>
    public string? FailureMessage { get; private set; }

    public void Cancel() => TryStop(StopReason.Cancelled);

    /// <summary>Requests a stop; the first reason wins.</summary>
    public bool TryStop(StopReason reason, string? failureMessage = null)
    {
        if (Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)StopReason.None) != (int)StopReason.None)
        {
            return false;
        }

        FailureMessage = failureMessage;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed after the run ended: nothing to stop.
        }

        return true;
    }

    /// <summary>Runs the executor's lifecycle of this run; its result (or its crash) completes <see cref="Completion"/>.</summary>
    public void Run(Func<RunHandle, Task<RunResult>> execute) => _ = SettleAsync(execute);

    private async Task SettleAsync(Func<RunHandle, Task<RunResult>> execute)
    {
        try
        {
            _completion.TrySetResult(await execute(this).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // The contract is a result, never a faulted task: a bug here must still settle the run.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Collector.Complete();
            _completion.TrySetResult(new RunResult(RunId, RunOutcome.Failed, null, "internal executor error (" + ex.GetType().Name + ")",
                Collector.Truncated, Collector.Bytes, StartedAt, _clock.GetUtcNow()));
        }
    }

    public void MarkStarted(DateTimeOffset at)
    {
        StartedAt = at;
        _started.TrySetResult();
    }

    /// <summary>Completes when the command started or the run ended without starting.</summary>
    public Task StartedOrEndedAsync() => Task.WhenAny(_started.Task, Completion);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        TryStop(StopReason.Cancelled);
        await _abandon.CancelAsync().ConfigureAwait(false);
        await _completion.Task.ConfigureAwait(false);

        _stop.Dispose();
        _abandon.Dispose();
    }
}
