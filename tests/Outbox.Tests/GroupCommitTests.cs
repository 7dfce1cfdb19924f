using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using StreamId = OrleansHub.Outbox.EventLog.StreamId;
using OrleansHub.TestSupport;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Tests.Grains;
using OrleansHub.Outbox.Tests.Infrastructure;
using Orleans.Storage;

namespace OrleansHub.Outbox.Tests;

/// <summary>
/// Group commit (docs/outbox.md): concurrent writes of different grains share one transaction, and a failing
/// write in a shared transaction fails alone. To make a batch deterministic, the silo has one writer loop, and a
/// write to a row locked by the test holds that loop while the writes under test queue up behind it.
/// </summary>
public sealed class GroupCommitTests(PostgresFixture postgres) : OutboxTestBase(postgres)
{
    private static readonly Dictionary<string, string?> OneWriter = new() { ["WriteConnections"] = "1", ["WriteBatchSize"] = "32" };

    [Fact]
    public async Task QueuedWritesOfManyGrainsCommitInOneTransaction()
    {
        var silo = await StartClusterAsync(OneWriter);
        var keys = Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray();
        await Task.WhenAll(keys.Select(k => silo.Grains.GetGrain<ICounterGrain>(k).IncrementAsync()));

        var sharedBefore = Writer(silo).SharedCommits;

        var writes = await WhileTheWriterIsHeldAsync(silo, keys.Length, () =>
            keys.Select(k => silo.Grains.GetGrain<ICounterGrain>(k).IncrementAsync($"group:{k}")).ToArray());

        Assert.All(await Task.WhenAll(writes), value => Assert.Equal(2, value));
        // Rows written by one transaction carry its id.
        Assert.Equal(1, await ScalarAsync<long>(
            "SELECT count(DISTINCT xmin::text) FROM grain_state WHERE grain_type = 'counter' AND grain_key = ANY($1)", (object)keys));
        Assert.Equal(keys.Length, await ScalarAsync<long>(
            "SELECT count(*) FROM stream_events WHERE stream_id LIKE 'group:%' AND seq = 1"));
        Assert.Equal(sharedBefore + 1, Writer(silo).SharedCommits);
    }

    [Fact]
    public async Task AStaleWriteAndADuplicateIndexRowFailAloneAndTheirNeighboursCommit()
    {
        var silo = await StartClusterAsync(OneWriter);
        var other = await StartClusterAsync();
        var keys = Enumerable.Range(0, 6).Select(i => $"n{i}").ToArray();
        await Task.WhenAll(keys.Select(k => silo.Grains.GetGrain<ICounterGrain>(k).IncrementAsync()));
        var stale = silo.Grains.GetGrain<ICounterGrain>("stale");
        await stale.IncrementAsync("stale:events");
        // Another silo moves the row on, so the first silo's activation now holds an old ETag.
        await other.Grains.GetGrain<ICounterGrain>("stale").IncrementAsync("stale:events");
        await silo.Grains.GetGrain<INamedGrain>("holder").SetNameAsync("taken");
        var duplicate = silo.Grains.GetGrain<INamedGrain>("duplicate");
        await duplicate.SetNameAsync("free");

        var rolledBackBefore = Writer(silo).RolledBackBatches;

        Task? staleWrite = null, duplicateWrite = null;
        var writes = await WhileTheWriterIsHeldAsync(silo, keys.Length + 2, () =>
        {
            staleWrite = stale.IncrementAsync("stale:events");
            duplicateWrite = duplicate.SetNameAsync("taken");
            return keys.Select(k => silo.Grains.GetGrain<ICounterGrain>(k).IncrementAsync($"mixed:{k}")).ToArray();
        });

        Assert.All(await Task.WhenAll(writes), value => Assert.Equal(2, value));
        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite!);
        await Assert.ThrowsAsync<DuplicateIndexEntryException>(() => duplicateWrite!);
        Assert.Equal(rolledBackBefore + 1, Writer(silo).RolledBackBatches);
        // The failed writes left nothing: two events on the stale grain's stream, the duplicate's name unchanged.
        Assert.Equal(2, await ScalarAsync<long>("SELECT count(*) FROM stream_events WHERE stream_id = 'stale:events'"));
        Assert.Equal("free", await ScalarAsync<string>("SELECT name FROM test_names WHERE grain_key = 'duplicate'"));
        Assert.Equal(keys.Length, await ScalarAsync<long>("SELECT count(*) FROM stream_events WHERE stream_id LIKE 'mixed:%'"));
    }

    [Fact]
    public async Task BatchesAppendingToSharedStreamsInAnyOrderNeverDeadlock()
    {
        var silo = await StartClusterAsync(new Dictionary<string, string?> { ["WriteConnections"] = "4", ["WriteBatchSize"] = "8" });
        var streams = new[] { "shared:a", "shared:b", "shared:c", "shared:d" };
        // Every grain appends to one shared stream, so the writes of one batch touch the streams in no
        // particular order; without locking the counters first, side-by-side batches deadlock.
        var writers = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            var grain = silo.Grains.GetGrain<ICounterGrain>($"w{i}");
            for (var n = 0; n < 20; n++)
            {
                await grain.IncrementAsync(streams[(i + n) % streams.Length]);
            }
        }));

        await Task.WhenAll(writers);

        Assert.Equal(0, Writer(silo).RolledBackBatches);
        Assert.True(Writer(silo).SharedCommits > 0);
        foreach (var stream in streams)
        {
            // Gap-free: seqs 1..count.
            Assert.Equal(320, await ScalarAsync<long>("SELECT max(seq) FROM stream_events WHERE stream_id = $1", stream));
            Assert.Equal(320, await ScalarAsync<long>("SELECT count(*) FROM stream_events WHERE stream_id = $1", stream));
        }
    }

    [Fact]
    public async Task EachWriteOfASharedTransactionGetsTheSeqsItsEventsWereStoredAt()
    {
        var silo = await StartClusterAsync(OneWriter);
        var store = silo.Service<GrainStateStore>();
        const int Writes = 4;
        // Every write appends twice to a stream all of them share, with one event on its own stream in between,
        // so the transaction's seqs of the shared stream interleave across writes and within each.
        StreamEvent[] EventsOf(int write) =>
        [
            new(StreamId.Parse("seqs:shared"), "seqs.appended", new { write, n = 0 }),
            new(StreamId.Parse($"seqs:own{write}"), "seqs.appended", new { write, n = 1 }),
            new(StreamId.Parse("seqs:shared"), "seqs.appended", new { write, n = 2 }),
        ];

        var writes = await WhileTheWriterIsHeldAsync(silo, Writes, () => Enumerable.Range(0, Writes)
            .Select(w => store.WriteAsync(GrainId.Create("seqs", $"w{w}"), "state", "{}", null, EventsOf(w), [], JsonSerializerOptions.Default))
            .ToArray());

        var results = await Task.WhenAll(writes);
        for (var w = 0; w < Writes; w++)
        {
            Assert.Equal(1, results[w].Version);
            Assert.Equal(3, results[w].Events.Count);
            for (var n = 0; n < 3; n++)
            {
                var told = results[w].Events[n];
                var stored = await ScalarAsync<string>(
                    "SELECT (data->>'write') || '/' || (data->>'n') FROM stream_events WHERE stream_id = $1 AND seq = $2",
                    told.Stream.ToString(), told.Seq);
                Assert.Equal($"{w}/{n}", stored);
            }
            Assert.True(results[w].Events[0].Seq < results[w].Events[2].Seq);
            Assert.Equal(1, results[w].Events[1].Seq);
        }
        // Gap-free on the shared stream: 1..8, each told to exactly one event.
        Assert.Equal(
            Enumerable.Range(1, 2 * Writes).Select(i => (long)i),
            results.SelectMany(r => r.Events).Where(e => e.Stream.ToString() == "seqs:shared").Select(e => e.Seq).Order());
    }

    private static GroupCommitWriter Writer(HubCluster silo) => silo.Service<GroupCommitWriter>();

    /// <summary>
    /// Locks the row of a "gate" counter, lets its write take the only writer loop and wait on the lock, starts
    /// <paramref name="start"/>'s writes and waits until <paramref name="queued"/> of them are queued, then
    /// releases the lock: the queued writes go out together.
    /// </summary>
    private async Task<Task<T>[]> WhileTheWriterIsHeldAsync<T>(HubCluster silo, int queued, Func<Task<T>[]> start)
    {
        var gate = silo.Grains.GetGrain<ICounterGrain>("gate");
        await gate.IncrementAsync();
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var connection = await source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand(
            "SELECT 1 FROM grain_state WHERE grain_type = 'counter' AND grain_key = 'gate' FOR UPDATE", connection, transaction))
        {
            await lockRow.ExecuteScalarAsync();
        }

        var gateWrite = gate.IncrementAsync();
        var writer = Writer(silo);
        await Until(() => writer.Queued == 0 && WaitingOnALock(source));
        var writes = start();
        await Until(() => writer.Queued == queued);
        await transaction.CommitAsync();
        Assert.Equal(2, await gateWrite);
        return writes;
    }

    // The writer loop's own statement (the batch's state rows) is the one waiting for the test's row lock.
    private static bool WaitingOnALock(NpgsqlDataSource source)
    {
        using var command = source.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%hub_write_states%'");
        return (long)command.ExecuteScalar()! > 0;
    }

    // Both conditions are outside the test's control (another backend, the writer loop), so poll with a deadline.
    private static async Task Until(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
