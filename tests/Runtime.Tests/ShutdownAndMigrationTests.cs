using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Runtime.Hosting;
using OrleansHub.Runtime.Tests.Grains;
using OrleansHub.Runtime.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Runtime.Tests;

public sealed class ShutdownAndMigrationTests(PostgresFixture postgres) : RuntimeTestBase(postgres)
{
    [Fact]
    public async Task ShutdownLetsInFlightCallsFinishRefusesNewOnesAndDeactivates()
    {
        var silo = await StartSiloAsync();
        var gate = silo.Grains.GetGrain<IGateGrain>("stopping");
        var held = gate.HoldAsync();
        await silo.Probe.WaitAsync("held:stopping");

        var stopping = silo.StopAsync();
        await silo.Services.GetRequiredService<SiloStatus>().WhenStopping;

        await Assert.ThrowsAsync<SiloUnavailableException>(() => silo.Grains.GetGrain<IGateGrain>("late").EchoAsync("no"));
        Assert.False(stopping.IsCompleted); // it waits for the call in flight
        silo.Probe.Gate("stopping").TrySetResult();
        Assert.Equal("released", await held);
        await stopping;
        Assert.Equal(1, silo.Probe.Count("deactivated:stopping:ShuttingDown"));
    }

    [Fact]
    public async Task MigrationsApplyOnceEvenWhenSilosStartTogether()
    {
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => StartSiloAsync()));

        await using var source = NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand("SELECT count(*) FROM schema_migrations WHERE name = '0001_runtime.sql'");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        Assert.Equal(1, await silos[2].Grains.GetGrain<ICounterGrain>("m").IncrementAsync());
    }
}
