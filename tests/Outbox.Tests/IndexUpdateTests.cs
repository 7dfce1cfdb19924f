using Npgsql;
using OrleansHub.TestSupport;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;
using OrleansHub.Outbox.Storage;
using OrleansHub.Outbox.Tests.Grains;
using OrleansHub.Outbox.Tests.Infrastructure;

namespace OrleansHub.Outbox.Tests;

public sealed class IndexUpdateTests(PostgresFixture postgres) : OutboxTestBase(postgres)
{
    [Fact]
    public async Task IndexRowsCommitWithTheState()
    {
        var silo = await StartClusterAsync();

        await silo.Grains.GetGrain<INamedGrain>("a").SetNameAsync("alpha");
        await silo.Grains.GetGrain<INamedGrain>("a").SetNameAsync("alpha-2");

        Assert.Equal(["a=alpha-2"], await ReadIndexAsync());
    }

    [Fact]
    public async Task AUniqueIndexViolationRollsBackTheStateAndItsEvent()
    {
        var silo = await StartClusterAsync();
        await silo.Grains.GetGrain<INamedGrain>("a").SetNameAsync("taken");
        var b = silo.Grains.GetGrain<INamedGrain>("b");
        await b.SetNameAsync("free");

        var error = await Assert.ThrowsAsync<DuplicateIndexEntryException>(() => b.SetNameAsync("taken"));

        Assert.Equal("test_names_name_key", error.ConstraintName);
        // Nothing of the failed write committed, and the activation dropped its in-memory change.
        Assert.Equal("free", await b.GetNameAsync());
        Assert.Equal(["a=taken", "b=free"], await ReadIndexAsync());
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        var events = await new StreamEventStore(source).ReadAsync(new StreamId("named", "b"), 0, 10, CancellationToken.None);
        Assert.Equal([1L], events.Select(e => e.Seq));
    }

    private async Task<List<string>> ReadIndexAsync()
    {
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand("SELECT grain_key || '=' || name FROM test_names ORDER BY grain_key");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
