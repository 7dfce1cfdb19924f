using OrleansHub.Api.Tests.Realtime.Client;

namespace OrleansHub.Api.Tests.Realtime;

/// <summary>A hub whose connections may fall 2,048 live events behind, and tasks that may print megabytes.</summary>
public sealed class OverflowFixture : RealtimeFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Realtime:ConnectionBufferSize"] = "2048",
        ["Execution:MaxOutputBytes"] = "16777216",
        ["Tasks:MaxLogLines"] = "20000",
    };
}

/// <summary>The per-connection buffer: a consumer that stops reading is cut off, and nobody else waits for it.</summary>
public sealed class HubOverflowTests(OverflowFixture api) : IClassFixture<OverflowFixture>
{
    private const int Lines = 8000;

    [Fact]
    public async Task AConsumerThatStopsReadingIsDisconnectedWhileAnotherReceivesEverything()
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        // About 8 MB of log events, far beyond what the sockets and SignalR's pipes hold for one connection. The
        // task starts printing when the test says so (the file appears), once both consumers are subscribed.
        var go = Path.Combine(Path.GetTempPath(), "hub-overflow-" + Guid.NewGuid().ToString("N"));
        var script = "while [ ! -e " + go + " ]; do sleep 0.05; done; line=$(printf '%01000d' 0); i=0; "
            + "while [ $i -lt " + Lines + " ]; do echo \"$i $line\"; i=$((i+1)); done";
        var task = await api.CreateTaskAsync(owner, workspace, "sh", "-c", script);
        await using var fast = await api.ConnectAsync(owner);
        // Our own client: the official one cannot stop reading its socket, which is what makes a consumer slow.
        await using var slow = await HubTestClient.ConnectAsync(api.Server, owner.AccessToken, receiveBuffer: 4096);
        await fast.SubscribeAsync($"task:{task}", 0);
        await slow.SubscribeAsync($"task:{task}", 0);

        slow.PauseReading();
        await File.WriteAllTextAsync(go, "");
        try
        {
            // The slow one reads nothing until the fast one has everything: it must not hold anyone up.
            var events = await fast.EventsUntilAsync(IsFinalStatus, TimeSpan.FromMinutes(3));
            Assert.Equal(Enumerable.Range((int)events[0].Seq, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
            Assert.Equal("succeeded", events[^1].Data.GetProperty("status").GetString());
            Assert.Equal(Lines, events.Count(e => e.Type == "task.log"));

            slow.StartReading();
            var close = await slow.Closed.WaitAsync(TimeSpan.FromMinutes(1));
            var received = slow.Drain().Where(i => i.Target == "event").Select(i => HubEvent.From(i.Argument)).ToList();
            Assert.True(received.Count < events.Count, $"the slow consumer got all {received.Count} events");
            Assert.Equal(Enumerable.Range((int)events[0].Seq, received.Count).Select(i => (long)i), received.Select(e => e.Seq));
            Assert.True(!close.CloseMessage || close.AllowReconnect, "an overflow lets the client reconnect and resume");
        }
        finally
        {
            File.Delete(go);
        }
    }

    private static bool IsFinalStatus(HubEvent e) =>
        e.Type == "task.status" && e.Data.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled" or "timed_out";
}
