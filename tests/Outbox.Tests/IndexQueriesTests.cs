using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Tests.Grains;
using OrleansHub.Outbox.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Outbox.Tests;

/// <summary>The outbox's query executor (registered by UseOutboxOnPostgres) and the event store's read of one event type.</summary>
public sealed class IndexQueriesTests(PostgresFixture postgres) : OutboxTestBase(postgres)
{
    [Fact]
    public async Task ARowReadMapsEachRowAndSendsANullParameterAsSqlNull()
    {
        var (_, index) = await StartWithNamesAsync("a=alpha", "b=beta", "c=gamma");
        const string Sql = "SELECT grain_key, name FROM test_names WHERE ($1::text IS NULL OR name = $1) ORDER BY grain_key";

        var all = await index.ReadAsync(new IndexQuery(Sql, [null]), r => $"{r.GetString(0)}={r.GetString(1)}", CancellationToken.None);
        var one = await index.ReadAsync(new IndexQuery(Sql, "beta"), r => r.GetString(0), CancellationToken.None);

        Assert.Equal(["a=alpha", "b=beta", "c=gamma"], all);
        Assert.Equal(["b"], one);
    }

    [Fact]
    public async Task AListPageHasItsIdsInOrderAndTheWholeTotalEvenPastTheEnd()
    {
        var (_, index) = await StartWithNamesAsync("a=alpha", "b=beta", "c=gamma");
        const string Sql = """
            WITH f AS (SELECT grain_key AS id FROM test_names WHERE name <> $1)
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY id DESC LIMIT $2 OFFSET $3)
            """;

        var first = await index.ReadPageAsync(new IndexQuery(Sql, "beta", 1, 0), CancellationToken.None);
        var past = await index.ReadPageAsync(new IndexQuery(Sql, "beta", 10, 5), CancellationToken.None);

        Assert.Equal("c", Assert.Single(first.Ids));
        Assert.Equal(2, first.Total);
        Assert.Empty(past.Ids);
        Assert.Equal(2, past.Total);
    }

    [Fact]
    public async Task TwoReadsInOneBatchAnswerEachWithItsOwnRows()
    {
        var (_, index) = await StartWithNamesAsync("a=alpha", "b=beta");

        var (count, names) = await index.ReadAsync(
            new IndexQuery("SELECT count(*) FROM test_names"), r => r.GetInt64(0),
            new IndexQuery("SELECT name FROM test_names WHERE grain_key > $1 ORDER BY grain_key", "a"), r => r.GetString(0),
            CancellationToken.None);

        Assert.Equal([2L], count);
        Assert.Equal(["beta"], names);
    }

    [Fact]
    public async Task AStatementRunsOnItsOwnAndCanReturnRows()
    {
        var (silo, index) = await StartWithNamesAsync("a=alpha");

        var changed = await index.ExecuteAsync(new IndexUpdate("UPDATE test_names SET name = $2 WHERE grain_key = $1", "a", "renamed"), CancellationToken.None);
        var inserted = await index.ExecuteAsync(
            new IndexUpdate("INSERT INTO test_names (grain_key, name) VALUES ($1, $2) RETURNING grain_key || '=' || name", "z", "zeta"),
            r => r.GetString(0), CancellationToken.None);

        Assert.Equal(1, changed);
        Assert.Equal(["z=zeta"], inserted);
        Assert.Equal(["a=renamed", "z=zeta"], await index.ReadAsync(
            new IndexQuery("SELECT grain_key || '=' || name FROM test_names ORDER BY grain_key"), r => r.GetString(0), CancellationToken.None));
        // Written beside the grain, not through it: its state is unchanged.
        Assert.Equal("alpha", await silo.Grains.GetGrain<INamedGrain>("a").GetNameAsync());
    }

    [Fact]
    public async Task EventsOfOneTypeComeInSeqOrderWithSharedDataAndTheLimitCountsOnlyThatType()
    {
        var silo = await StartClusterAsync();
        var named = silo.Grains.GetGrain<INamedGrain>("k");
        await named.SetNameAsync("one");
        // The counter's event on named:k is stored as a pointer at own:k, which holds the data.
        await silo.Grains.GetGrain<ICounterGrain>("k").IncrementAsync("own:k", "named:k");
        await named.SetNameAsync("two");
        await named.SetNameAsync("three");
        var store = silo.Service<StreamEventStore>();
        var stream = new StreamId("named", "k");

        var names = await store.ReadAsync(stream, "name.set", 0, 2, CancellationToken.None);
        var rest = await store.ReadAsync(stream, "name.set", names[^1].Seq, 2, CancellationToken.None);
        var counted = await store.ReadAsync(stream, "counter.changed", 0, 10, CancellationToken.None);

        Assert.Equal([1L, 3L], names.Select(e => e.Seq));
        Assert.Equal([4L], rest.Select(e => e.Seq));
        Assert.Contains("three", rest[0].DataJson, StringComparison.Ordinal);
        var shared = Assert.Single(counted);
        Assert.Equal((2L, "counter.changed"), (shared.Seq, shared.Type));
        Assert.Contains("\"value\":1", shared.DataJson.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private async Task<(HubCluster Silo, IndexQueries Index)> StartWithNamesAsync(params string[] names)
    {
        var silo = await StartClusterAsync();
        foreach (var pair in names)
        {
            var (key, name) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            await silo.Grains.GetGrain<INamedGrain>(key).SetNameAsync(name);
        }
        return (silo, silo.Service<IndexQueries>());
    }
}
