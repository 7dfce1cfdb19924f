using System.Text.Json;
using OrleansHub.Api.Tests.Realtime.Client;

namespace OrleansHub.Api.Tests.Realtime;

/// <summary>Subscribe, replay and live delivery on /hubs/status (docs/api.md "Real time").</summary>
public sealed class StatusHubTests(RealtimeFixture api) : IClassFixture<RealtimeFixture>
{
    [Fact]
    public async Task ASubscriberReceivesLiveEventsWithDataAsAnObject()
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        await using var hub = await api.ConnectAsync(owner);

        var result = await hub.InvokeAsync("Subscribe", $"workspace:{workspace}", null);
        var lastSeq = result.GetProperty("last_seq").GetInt64();
        Assert.Equal($"workspace:{workspace}", result.GetProperty("stream").GetString());
        await api.RenameAsync(owner, workspace, "Renamed live");

        var received = await hub.EventsUntilAsync(e => e.Stream == $"workspace:{workspace}");
        var update = Assert.Single(received);
        Assert.Equal(lastSeq + 1, update.Seq);
        Assert.Equal("workspace.updated", update.Type);
        Assert.Equal(JsonValueKind.Object, update.Data.ValueKind);
        Assert.Equal("Renamed live", update.Data.GetProperty("name").GetString());
        Assert.True(update.Timestamp > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task AfterSeqReplaysTheRestThenGoesLiveWithoutAGapOrARepeat()
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        var stream = $"workspace:{workspace}";
        for (var i = 0; i < 4; i++)
        {
            await api.RenameAsync(owner, workspace, $"before {i}");
        }
        await using var hub = await api.ConnectAsync(owner);

        // Writers keep going while the subscription replays, so registration, replay and live overlap.
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await api.RenameAsync(owner, workspace, $"during {i}");
            }
        });
        await hub.SubscribeAsync(stream, afterSeq: 2);
        await writes;
        await api.RenameAsync(owner, workspace, "last");

        var events = await hub.EventsUntilAsync(e => e.Stream == stream && e.Data.GetProperty("name").GetString() == "last");
        var seqs = events.Where(e => e.Stream == stream).Select(e => e.Seq).ToList();
        Assert.Equal(Enumerable.Range(3, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal("before 1", events[0].Data.GetProperty("name").GetString());
    }
}
