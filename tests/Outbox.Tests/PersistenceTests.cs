using Npgsql;
using Orleans.Storage;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Tests.Grains;
using OrleansHub.Outbox.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Outbox.Tests;

/// <summary>The outbox grain storage provider under Orleans: state, ETags, events and the new-grain promise.</summary>
public sealed class PersistenceTests(PostgresFixture postgres) : OutboxTestBase(postgres)
{
    [Fact]
    public async Task StateIsLoadedBeforeOnActivateAndSurvivesASiloRestart()
    {
        var first = await StartClusterAsync();
        var counter = first.Grains.GetGrain<ICounterGrain>("restart");
        await counter.IncrementAsync();
        await counter.IncrementAsync();
        await first.StopAsync();

        var second = await StartClusterAsync();
        var again = second.Grains.GetGrain<ICounterGrain>("restart");

        Assert.Equal(2, await again.GetValueSeenAtActivationAsync());
        Assert.Equal(3, await again.IncrementAsync());
        Assert.Equal("3", await again.GetEtagAsync());
    }

    [Fact]
    public async Task TwoActivationsWritingFromTheSameEtagLoseNoUpdate()
    {
        // Two clusters that do not know each other: both activate the grain, as two silos may during a membership
        // change. The stale one gets Orleans' InconsistentStateException from the outbox provider.
        var a = await StartClusterAsync();
        var b = await StartClusterAsync();
        var onA = a.Grains.GetGrain<ICounterGrain>("contended");
        var onB = b.Grains.GetGrain<ICounterGrain>("contended");

        // Both activations hold version 1; only one update from it can win. (Two inserts of a new record race the
        // same way: ANewGrainIsActivatedWithoutReadingStorageAndNeverOverwritesWhatIsThere.)
        Assert.Equal(1, await onA.IncrementAsync());
        Assert.Equal(1, await onB.GetAsync());
        Assert.Equal(2, await onA.IncrementAsync());
        await Assert.ThrowsAsync<InconsistentStateException>(() => onB.IncrementAsync());
        await Probe.WaitAsync("deactivated:contended:ApplicationError");

        // The stale activation was deactivated; the retry reads the winner's state and builds on it.
        Assert.Equal(3, await onB.IncrementAsync());
        Assert.Equal(3, await ReadCounterValueAsync("contended"));
    }

    [Fact]
    public async Task ANewGrainIsActivatedWithoutReadingStorageAndNeverOverwritesWhatIsThere()
    {
        // A row under the key the caller promises is new: breaking the promise makes the skipped read visible.
        var first = await StartClusterAsync();
        await first.Grains.GetGrain<ICounterGrain>("minted").IncrementAsync();
        await first.StopAsync();

        var silo = await StartClusterAsync();
        var fresh = silo.Grains.GetGrain<ICounterGrain>("minted");

        // Had the activation read its row, it would write version 2; it writes from "no record", and that insert
        // fails: nothing stored is lost, and the next activation reads the row.
        await Assert.ThrowsAsync<InconsistentStateException>(() => fresh.CallAsNewAsync(g => g.IncrementAsync()));
        await Probe.WaitAsync("deactivated:minted:ApplicationError");
        Assert.Equal(1, await fresh.GetValueSeenAtActivationAsync());
        Assert.Equal(1, await ReadCounterValueAsync("minted"));
    }

    [Fact]
    public async Task OnlyTheCallThatCarriesThePromiseSkipsTheRead()
    {
        var silo = await StartClusterAsync();
        var fresh = silo.Grains.GetGrain<ICounterGrain>("created");
        Assert.Equal(1, await fresh.CallAsNewAsync(g => g.IncrementAsync()));
        Assert.Equal(2, await fresh.IncrementAsync());
        await fresh.DeactivateAsync();
        await Probe.WaitAsync("deactivated:created");

        // Later calls without the promise activate it again from storage.
        Assert.Equal(2, await fresh.GetValueSeenAtActivationAsync());
        Assert.Equal("2", await fresh.GetEtagAsync());

        // A promise to an activation that exists changes nothing: it only matters to a new one.
        Assert.Equal(2, await fresh.CallAsNewAsync(g => g.GetAsync()));
    }

    [Fact]
    public async Task ConcurrentStaleWritersNeverOverwriteEachOther()
    {
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StartClusterAsync()));
        var successes = 0;

        // Every silo increments the same grain 30 times, retrying on conflicts like a caller should.
        await Task.WhenAll(silos.Select(silo => Task.Run(async () =>
        {
            var grain = silo.Grains.GetGrain<ICounterGrain>("hot");
            for (var i = 0; i < 30; i++)
            {
                while (true)
                {
                    try
                    {
                        await grain.IncrementAsync();
                        Interlocked.Increment(ref successes);
                        break;
                    }
                    catch (InconsistentStateException)
                    {
                    }
                }
            }
        })));

        Assert.Equal(90, successes);
        Assert.Equal(90, await ReadCounterValueAsync("hot"));
    }

    [Fact]
    public async Task ConcurrentWritersToOneStreamGetGapFreeSeqsInCommitOrder()
    {
        var silo = await StartClusterAsync();

        // 40 grains write 25 events each to one shared stream (and one stream of their own), all at once.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(g => Task.Run(async () =>
        {
            var grain = silo.Grains.GetGrain<ICounterGrain>($"w{g}");
            for (var i = 0; i < 25; i++)
            {
                await grain.IncrementAsync("shared:all", $"own:w{g}");
            }
        })));

        await using var source = await OpenDataSourceAsync();
        var store = new StreamEventStore(source);
        var events = await store.ReadAsync(StreamId.Parse("shared:all"), 0, 5000, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal(1000, await store.GetLastSeqAsync(StreamId.Parse("shared:all"), CancellationToken.None));
        // Each writer's own events appear in the shared stream in the order it wrote them.
        foreach (var group in events.GroupBy(e => System.Text.Json.JsonDocument.Parse(e.DataJson).RootElement.GetProperty("counter").GetString()))
        {
            var values = group.Select(e => System.Text.Json.JsonDocument.Parse(e.DataJson).RootElement.GetProperty("value").GetInt32()).ToList();
            Assert.Equal(Enumerable.Range(1, 25), values);
        }
        var own = await store.ReadAsync(StreamId.Parse("own:w7"), 0, 100, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), own.Select(e => e.Seq));
    }

    [Fact]
    public async Task AFailedWriteLeavesNoEventAndACommittedOneAlwaysHasItsEvent()
    {
        var a = await StartClusterAsync();
        var b = await StartClusterAsync();
        await a.Grains.GetGrain<ICounterGrain>("outbox").IncrementAsync("outbox:one");
        await b.Grains.GetGrain<ICounterGrain>("outbox").GetAsync(); // holds version 1

        await a.Grains.GetGrain<ICounterGrain>("outbox").IncrementAsync("outbox:one");
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => b.Grains.GetGrain<ICounterGrain>("outbox").IncrementAsync("outbox:one"));

        await using var source = await OpenDataSourceAsync();
        var store = new StreamEventStore(source);
        var events = await store.ReadAsync(StreamId.Parse("outbox:one"), 0, 10, CancellationToken.None);
        Assert.Equal([1L, 2L], events.Select(e => e.Seq));
        Assert.All(events, e => Assert.Equal("counter.changed", e.Type));
        Assert.Contains("\"value\":2", events[1].DataJson.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResumingAfterASeqReturnsOnlyLaterEvents()
    {
        var silo = await StartClusterAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>("resume");
        for (var i = 0; i < 5; i++)
        {
            await grain.IncrementAsync("resume:s");
        }

        await using var source = await OpenDataSourceAsync();
        var store = new StreamEventStore(source);
        var later = await store.ReadAsync(StreamId.Parse("resume:s"), 3, 10, CancellationToken.None);

        Assert.Equal([4L, 5L], later.Select(e => e.Seq));
    }

    private async Task<NpgsqlDataSource> OpenDataSourceAsync()
    {
        var source = NpgsqlDataSource.Create(ConnectionString);
        await using var check = await source.OpenConnectionAsync();
        return source;
    }

    private async Task<int> ReadCounterValueAsync(string key)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand(
            "SELECT (state->>'value')::int FROM grain_state WHERE grain_type = 'counter' AND grain_key = $1");
        command.Parameters.Add(new() { Value = key });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
