using System.Collections.Concurrent;

namespace OrleansHub.Grains.Tasks.Execution;

/// <summary>The runs an executor instance is following, by run id.</summary>
internal sealed class ActiveRuns
{
    private readonly ConcurrentDictionary<string, RunHandle> _runs = new(StringComparer.Ordinal);

    public bool TryAdd(RunHandle handle) => _runs.TryAdd(handle.RunId, handle);

    public void Remove(RunHandle handle) => _runs.TryRemove(new KeyValuePair<string, RunHandle>(handle.RunId, handle));

    public RunHandle? Find(string runId) => _runs.TryGetValue(runId, out var handle) ? handle : null;

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
