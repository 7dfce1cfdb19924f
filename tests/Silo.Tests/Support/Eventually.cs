namespace OrleansHub.Silo.Tests.Support;

/// <summary>
/// Waits for a condition the test can only observe by asking (a REST answer, what a hub client has received),
/// checking every 50 ms. The deadline only stops a hang; the failure shows the cluster's output.
/// </summary>
internal static class Eventually
{
    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan deadline, Func<string> context) =>
        WaitAsync(() => Task.FromResult(condition()), what, deadline, context);

    public static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan deadline, Func<string> context)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!await condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"No {what} within {deadline.TotalSeconds:0} s.\n{context()}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}
