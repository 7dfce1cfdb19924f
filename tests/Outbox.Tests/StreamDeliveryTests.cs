using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using OrleansHub.TestSupport;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Tests.Grains;
using OrleansHub.Outbox.Tests.Infrastructure;

namespace OrleansHub.Outbox.Tests;

public sealed class StreamDeliveryTests(PostgresFixture postgres) : OutboxTestBase(postgres)
{
    // Only live delivery (this silo's own commits, or the stream's Orleans subscription) can deliver within a test
    // when the tail check is this slow.
    private static readonly Dictionary<string, string?> NoCatchUp = new() { ["StreamCatchUpInterval"] = "00:10:00" };

    private static readonly StreamId Shared = StreamId.Parse("shared:s");

    [Fact]
    public async Task LocalSubscriberReceivesLiveEventsInSeqOrder()
    {
        var silo = await StartClusterAsync(NoCatchUp);
        var sink = new RecordingSink();
        await using var subscription = await Subscriptions(silo).SubscribeAsync(Shared, null, sink, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(g => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await silo.Grains.GetGrain<ICounterGrain>($"c{g}").IncrementAsync("shared:s");
            }
        })));

        await sink.WaitForAsync(100);
        Assert.Equal(0, subscription.LastSeqAtSubscribe);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), sink.Seqs);
    }

    [Fact]
    public async Task LocalCommitsArrivingOutOfSeqOrderAreDeliveredInOrderFromMemory()
    {
        // These events are in no table: only the silo's in-memory ordering can deliver them.
        var silo = await StartClusterAsync(NoCatchUp);
        var stream = StreamId.Parse("memory:only");
        var subscriptions = Subscriptions(silo);
        var sink = new RecordingSink();
        await using var subscription = await subscriptions.SubscribeAsync(stream, null, sink, CancellationToken.None);
        StoredStreamEvent Event(long seq) => new(stream, seq, "test", "{}", DateTimeOffset.UtcNow);

        subscriptions.Committed([Event(2), Event(3)]);
        subscriptions.Committed([Event(1)]);
        subscriptions.Committed([Event(2)]);
        subscriptions.Committed([Event(4)]);

        await sink.WaitForAsync(4);
        Assert.Equal([1L, 2L, 3L, 4L], sink.Seqs);
    }

    [Fact]
    public async Task ResumingFromASeqReplaysThenGoesLiveWithoutGapOrDuplicate()
    {
        var silo = await StartClusterAsync(NoCatchUp);
        var writer = silo.Grains.GetGrain<ICounterGrain>("w");
        for (var i = 0; i < 20; i++)
        {
            await writer.IncrementAsync("shared:s");
        }

        // Subscribe from seq 7 while writes keep coming, so replay and live delivery overlap.
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await writer.IncrementAsync("shared:s");
            }
        });
        var sink = new RecordingSink();
        await using var subscription = await Subscriptions(silo).SubscribeAsync(Shared, 7, sink, CancellationToken.None);
        await writing;

        await sink.WaitForAsync(53);
        Assert.Equal(Enumerable.Range(8, 53).Select(i => (long)i), sink.Seqs);
    }

    [Fact]
    public async Task ASubscriberOnSiloBReceivesTheEventsOfAGrainOnSiloAInOrder()
    {
        var cluster = await StartClusterAsync(NoCatchUp, silos: 2);
        var sink = new RecordingSink();
        await using var subscription = await Subscriptions(cluster, 1).SubscribeAsync(Shared, 0, sink, CancellationToken.None);

        // Called from silo A's own grain factory, the grain is placed there (PreferLocalPlacement).
        var writer = cluster.Services(0).GetRequiredService<IGrainFactory>().GetGrain<ILocalCounterGrain>("remote");
        var silos = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            silos.Add(await writer.IncrementAsync("shared:s"));
        }

        Assert.Equal([cluster.Cluster.Silos[0].SiloAddress.ToString()], silos);
        await sink.WaitForAsync(20);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), sink.Seqs);
    }

    [Fact]
    public async Task OnlyStreamsSomeSiloWatchesArePublishedOnOrleansStreams()
    {
        var cluster = await StartClusterAsync(NoCatchUp, silos: 2);
        var sink = new RecordingSink();
        await using var subscription = await Subscriptions(cluster, 1).SubscribeAsync(Shared, 0, sink, CancellationToken.None);
        var writer = cluster.Services(0).GetRequiredService<IGrainFactory>().GetGrain<ILocalCounterGrain>("both");
        var publisher = cluster.Service<EventPublisher>(0);
        var publishedBefore = publisher.Published;

        for (var i = 0; i < 3; i++)
        {
            await writer.IncrementAsync("shared:s");
            await writer.IncrementAsync("quiet:s");
        }

        // The watched stream arrived across silos, through Orleans streams; the unwatched one was never published.
        await sink.WaitForAsync(3);
        Assert.Equal(3, publisher.Published - publishedBefore);
        Assert.True(await ScalarAsync("SELECT watched_until > now() FROM streams WHERE id = 'shared:s'"));
        Assert.False(await ScalarAsync("SELECT watched_until IS NOT NULL FROM streams WHERE id = 'quiet:s'"));
    }

    [Fact]
    public async Task ASiloAloneInItsClusterDeliversFromMemoryAndPublishesNothing()
    {
        var silo = await StartClusterAsync(NoCatchUp);
        var sink = new RecordingSink();
        await using var subscription = await Subscriptions(silo).SubscribeAsync(Shared, 0, sink, CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>("alone").IncrementAsync("shared:s");
        }

        await sink.WaitForAsync(5);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], sink.Seqs);
        Assert.Equal(0, silo.Service<EventPublisher>().Published);
    }

    [Fact]
    public async Task AnEventWhosePublishWasLostArrivesByTheTailCheck()
    {
        var silo = await StartClusterAsync();
        var sink = new RecordingSink();
        await using var subscription = await Subscriptions(silo).SubscribeAsync(Shared, 0, sink, CancellationToken.None);

        // A writer that committed and died before publishing: the rows exist, nothing was published.
        await WriteWithoutPublishingAsync("dead-writer", 3);

        await sink.WaitForAsync(3);
        Assert.Equal([1L, 2L, 3L], sink.Seqs);
    }

    [Fact]
    public async Task AStuckConsumerIsClosedWithOverflowAndNeverHoldsBackOthers()
    {
        var silo = await StartClusterAsync(NoCatchUp);
        var stuck = new RecordingSink(capacity: 5);
        var healthy = new RecordingSink();
        await using var a = await Subscriptions(silo).SubscribeAsync(Shared, 0, stuck, CancellationToken.None);
        await using var b = await Subscriptions(silo).SubscribeAsync(Shared, 0, healthy, CancellationToken.None);

        for (var i = 0; i < 30; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>("fast").IncrementAsync("shared:s");
        }

        Assert.Equal(StreamCloseReason.Overflow, await stuck.ClosedReason.WaitAsync(TimeSpan.FromSeconds(30)));
        await healthy.WaitForAsync(30);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], stuck.Seqs);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), healthy.Seqs);

        // The stuck client comes back and resumes from the last seq it got.
        var resumed = new RecordingSink();
        await using var c = await Subscriptions(silo).SubscribeAsync(Shared, stuck.Seqs[^1], resumed, CancellationToken.None);
        Assert.Equal(Enumerable.Range(6, 25).Select(i => (long)i), resumed.Seqs);
    }

    [Fact]
    public async Task RetentionKeepsTheNewestEventsOfEachStream()
    {
        var silo = await StartClusterAsync(new Dictionary<string, string?> { ["StreamRetentionCount"] = "3" });
        for (var i = 0; i < 8; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>("kept").IncrementAsync("shared:s");
        }
        for (var i = 0; i < 3; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>("short").IncrementAsync("shared:short");
        }

        var deleted = await silo.Service<StreamRetention>().TrimAsync(CancellationToken.None);
        var again = await silo.Service<StreamRetention>().TrimAsync(CancellationToken.None);

        Assert.Equal(5, deleted);
        Assert.Equal(0, again);
        var sink = new RecordingSink();
        await using var subscription = await Subscriptions(silo).SubscribeAsync(Shared, 0, sink, CancellationToken.None);
        Assert.Equal([6L, 7L, 8L], sink.Seqs);
        var shortSink = new RecordingSink();
        await using var shortSubscription = await Subscriptions(silo).SubscribeAsync(StreamId.Parse("shared:short"), 0, shortSink, CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], shortSink.Seqs);
    }

    private static StreamSubscriptions Subscriptions(HubCluster cluster, int silo = 0) => cluster.Service<StreamSubscriptions>(silo);

    private async Task<bool> ScalarAsync(string sql)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand(sql);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task WriteWithoutPublishingAsync(string key, int count)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        for (var version = 0; version < count; version++)
        {
            await using var command = source.CreateCommand(
                "SELECT hub_write_state('counter', $1, 'counter', '{}'::jsonb, $2, ARRAY['shared:s'], ARRAY['counter.changed'], ARRAY['{}'::jsonb], now())");
            command.Parameters.Add(new() { Value = key });
            command.Parameters.Add(new() { Value = version == 0 ? DBNull.Value : version, NpgsqlDbType = NpgsqlDbType.Bigint });
            await command.ExecuteNonQueryAsync();
        }
    }
}
