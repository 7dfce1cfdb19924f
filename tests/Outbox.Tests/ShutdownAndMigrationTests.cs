using Npgsql;
using OrleansHub.Outbox.Hosting;
using OrleansHub.Outbox.Tests.Grains;
using OrleansHub.Outbox.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Outbox.Tests;

public sealed class ShutdownAndMigrationTests(PostgresFixture postgres) : OutboxTestBase(postgres)
{
    [Fact]
    public async Task ASiloReportsStoppingFromTheFirstMomentOfItsShutdown()
    {
        var cluster = await StartClusterAsync();
        var status = cluster.Service<SiloStatus>();
        Assert.True(status.IsStarted);
        Assert.False(status.IsStopping);

        var stopping = cluster.StopAsync();
        await status.WhenStopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(status.IsStopping);
        await stopping;
    }

    [Fact]
    public async Task MigrationsOursAndOrleansApplyOnceEvenWhenSilosStartTogether()
    {
        var clusters = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StartClusterAsync()));

        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand(
            "SELECT count(*) FROM schema_migrations WHERE name IN ('0001_runtime.sql', '0011_orleans_clustering.sql', '9000_test_names.sql')");
        Assert.Equal(3L, await command.ExecuteScalarAsync());
        Assert.Equal(1, await clusters[2].Grains.GetGrain<ICounterGrain>("m").IncrementAsync());
    }

    [Fact]
    public async Task AReminderFiresOnANewSiloAfterTheOneThatRegisteredItStopped()
    {
        var first = await StartClusterAsync();
        // Due after the first cluster has stopped; the reminder lives in Orleans' ADO.NET reminder table.
        await first.Grains.GetGrain<IReminderGrain>("durable").StartAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));
        var firstSilo = first.Cluster.Silos[0].SiloAddress.ToString();
        await first.StopAsync();

        var second = await StartClusterAsync();

        await Probe.WaitAsync("reminder:durable", 2);
        Assert.Equal(0, Probe.Count($"reminder:durable:{firstSilo}"));
        Assert.True(Probe.Count($"reminder:durable:{second.Cluster.Silos[0].SiloAddress}") >= 2);
        await second.Grains.GetGrain<IReminderGrain>("durable").StopAsync();
    }

    [Fact]
    public async Task TheOldRuntimesRemindersMoveIntoOrleansAndFireThere()
    {
        var first = await StartClusterAsync();
        await first.StopAsync();
        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using (var insert = source.CreateCommand("""
            INSERT INTO reminders (grain_type, grain_key, name, first_due, due_at, period_ms)
            VALUES ('reminded', 'legacy', 'tick', now(), now(), 1000)
            """))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var second = await StartClusterAsync();

        await Probe.WaitAsync("reminder:legacy", 2);
        await using var left = source.CreateCommand("SELECT count(*) FROM reminders");
        Assert.Equal(0L, await left.ExecuteScalarAsync());
        await second.Grains.GetGrain<IReminderGrain>("legacy").StopAsync();
    }
}
