using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansHub.TestSupport;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Tests.Grains;
using OrleansHub.Outbox.Tests.Infrastructure;

namespace OrleansHub.Outbox.Tests;

/// <summary>An event a write publishes to several streams (one data object) is stored with its data once.</summary>
public sealed class SharedEventDataTests(PostgresFixture postgres) : OutboxTestBase(postgres)
{
    [Fact]
    public async Task AnEventPublishedToTwoStreamsStoresItsDataOnceAndReplaysWholeOnBoth()
    {
        var silo = await StartClusterAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("twice");
        await counter.IncrementAsync("own:twice");
        await counter.IncrementAsync("own:twice", "fan:twice");

        Assert.Equal(
            ["own:twice/1: data", "own:twice/2: data shared", "fan:twice/1: -> own:twice/2"],
            await RowsAsync("SELECT stream_id, seq, data IS NOT NULL, shared, source_stream, source_seq FROM stream_events ORDER BY stream_id DESC, seq"));

        // Replays read the table (afterSeq 0): the pointing event comes back with its source's data.
        var own = await ReplayAsync(silo, "own:twice");
        var fan = await ReplayAsync(silo, "fan:twice");
        Assert.Equal([1L, 2L], own.Select(e => e.Seq));
        var shared = Assert.Single(fan);
        Assert.Equal((1L, "counter.changed"), (shared.Seq, shared.Type));
        Assert.Equal(own[1].DataJson, shared.DataJson);
        Assert.Equal(own[1].Timestamp, shared.Timestamp);
        Assert.Contains("\"value\":2", shared.DataJson.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCountRuleLeavesASharedEventToTheAgeRuleWhichDeletesItWithItsCopies()
    {
        var silo = await StartClusterAsync(new Dictionary<string, string?> { ["StreamRetentionCount"] = "2" });
        var counter = silo.Grains.GetGrain<ICounterGrain>("kept");
        await counter.IncrementAsync("own:kept", "fan:kept");
        for (var i = 0; i < 3; i++)
        {
            await counter.IncrementAsync("own:kept");
        }
        var retention = silo.Service<StreamRetention>();

        // own:kept has 4 events, 2 over the count: seq 2 goes, seq 1 stays because fan:kept/1 points at it.
        Assert.Equal(1, await retention.TrimAsync(CancellationToken.None));
        Assert.Equal([1L, 3L, 4L], (await ReplayAsync(silo, "own:kept")).Select(e => e.Seq));
        var copy = Assert.Single(await ReplayAsync(silo, "fan:kept"));
        Assert.Contains("\"value\":1", copy.DataJson.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Past the age, the shared event and its copy go in the same pass: they have one created_at.
        await ExecuteAsync("UPDATE stream_events SET created_at = created_at - interval '30 days' WHERE created_at = "
            + "(SELECT created_at FROM stream_events WHERE stream_id = 'own:kept' AND seq = 1)");
        Assert.Equal(2, await retention.TrimAsync(CancellationToken.None));
        Assert.Equal([3L, 4L], (await ReplayAsync(silo, "own:kept")).Select(e => e.Seq));
        Assert.Empty(await ReplayAsync(silo, "fan:kept"));
    }

    private static async Task<IReadOnlyList<StoredStreamEvent>> ReplayAsync(HubCluster silo, string stream)
    {
        var sink = new RecordingSink();
        await using var subscription = await silo.Service<StreamSubscriptions>()
            .SubscribeAsync(StreamId.Parse(stream), 0, sink, CancellationToken.None);
        return sink.Events;
    }

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var row = $"{reader.GetString(0)}/{reader.GetInt64(1)}: ";
            row += reader.IsDBNull(4)
                ? (reader.GetBoolean(2) ? "data" : "no data") + (reader.GetBoolean(3) ? " shared" : "")
                : $"-> {reader.GetString(4)}/{reader.GetInt64(5)}" + (reader.GetBoolean(2) ? " with data" : "");
            rows.Add(row);
        }
        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
