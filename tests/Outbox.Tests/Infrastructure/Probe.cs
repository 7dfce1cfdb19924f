using System.Collections.Concurrent;

namespace OrleansHub.Outbox.Tests.Infrastructure;

/// <summary>
/// What test grains report to the test: counters and awaitable signals (a test waits for the signal, never for
/// time). Each test makes its own; its silos find it by the id in their configuration (<see cref="SettingKey"/>).
/// </summary>
public sealed class Probe
{
    /// <summary>Configuration key naming the probe of a test's silos.</summary>
    public const string SettingKey = "Test:Probe";

    private static readonly ConcurrentDictionary<string, Probe> All = new();

    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, List<(int Target, TaskCompletionSource Done)>> _waiters = new();

    public Probe() => All[Id] = this;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public static Probe For(string? id) =>
        id is not null && All.TryGetValue(id, out var probe) ? probe : throw new InvalidOperationException($"No probe '{id}'.");

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
