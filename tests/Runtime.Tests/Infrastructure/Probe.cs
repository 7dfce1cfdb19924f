using System.Collections.Concurrent;

namespace OrleansHub.Runtime.Tests.Infrastructure;

/// <summary>
/// What test grains report to the test: counters and awaitable signals (a test waits for the signal,
/// never for time). Registered as a singleton in each test silo.
/// </summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, List<(int Target, TaskCompletionSource Done)>> _waiters = new();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    /// <summary>A gate grains can wait on and the test opens (even while the silo refuses calls).</summary>
    public TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public int Count(string name) => _counts.GetValueOrDefault(name);

    public void Signal(string name)
    {
        var count = _counts.AddOrUpdate(name, 1, (_, c) => c + 1);
        if (_waiters.TryGetValue(name, out var waiters))
        {
            lock (waiters)
            {
                foreach (var waiter in waiters.Where(w => count >= w.Target))
                {
                    waiter.Done.TrySetResult();
                }
            }
        }
    }

    /// <summary>Completes once <paramref name="name"/> has been signalled <paramref name="count"/> times; fails the test after 30 s.</summary>
    public async Task WaitAsync(string name, int count = 1)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiters = _waiters.GetOrAdd(name, _ => []);
        lock (waiters)
        {
            waiters.Add((count, done));
        }
        if (Count(name) >= count)
        {
            done.TrySetResult();
        }
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
