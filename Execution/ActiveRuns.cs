using System.Collections.Concurrent;

namespace OrleansHub.Execution;

/// <summary>The runs an executor instance is following, by run id.</summary>
internal sealed class ActiveRuns
{
    private readonly ConcurrentDictionary<string, RunHandle> _runs = new(StringComparer.Ordinal);

    public bool TryAdd(RunHandle handle) => _runs.TryAdd(handle.RunId, handle);

    public void Remove(RunHandle handle) => _runs.TryRemove(new KeyValuePair<string, RunHandle>(handle.RunId, handle));

    public RunHandle? Find(string runId) => _runs.TryGetValue(runId, out var handle) ? handle : null;

    /// <summary>
    /// Follows <paramref name="handle"/> with <paramref name="execute"/> and returns once the run started or ended.
    /// A run id this executor already follows is not started twice: that handle ends at once as not started.
    /// </summary>
    public async Task<IRunHandle> StartAsync(RunHandle handle, Func<RunHandle, Task<RunResult>> execute, TimeProvider clock)
    {
        if (TryAdd(handle))
        {
            handle.Run(execute);
        }
        else
        {
            handle.Run(h =>
            {
                h.Collector.Complete();
                return Task.FromResult(RunResults.NotStarted(h, $"run {h.RunId} is already running on this executor", clock.GetUtcNow()));
            });
        }

        await handle.StartedOrEndedAsync().ConfigureAwait(false);
        return handle;
    }

    /// <summary>Asks the run to stop (it settles as cancelled); false when this executor does not follow it.</summary>
    public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var handle = Find(runId);
        handle?.Cancel();
        return Task.FromResult(handle is not null);
    }

    /// <summary>Stops every run with <paramref name="reason"/> and waits for all of them to settle.</summary>
    public async Task StopAllAsync(StopReason reason)
    {
        var runs = _runs.Values.ToArray();
        foreach (var run in runs)
        {
            run.TryStop(reason);
        }

        await Task.WhenAll(runs.Select(r => r.Completion)).ConfigureAwait(false);
    }
}
