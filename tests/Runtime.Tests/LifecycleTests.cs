using OrleansHub.Runtime.Tests.Grains;
using OrleansHub.Runtime.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Runtime.Tests;

public sealed class LifecycleTests(PostgresFixture postgres) : RuntimeTestBase(postgres)
{
    [Fact]
    public async Task IdleGrainIsCollectedAndComesBackWithItsState()
    {
        var silo = await StartSiloAsync(new Dictionary<string, string?>
        {
            ["CollectionAge"] = "00:00:00.300",
            ["CollectionQuantum"] = "00:00:00.100",
        });
        var counter = silo.Grains.GetGrain<ICounterGrain>("idle");
        await counter.IncrementAsync();

        await silo.Probe.WaitAsync("deactivated:idle:ActivationIdle");

        Assert.Equal(1, await counter.GetValueSeenAtActivationAsync());
        Assert.Equal(2, silo.Probe.Count("activated:idle"));
    }

    [Fact]
    public async Task BusyGrainIsNotCollectedWhileItsTurnRuns()
    {
        var silo = await StartSiloAsync(new Dictionary<string, string?>
        {
            ["CollectionAge"] = "00:00:00.050",
            ["CollectionQuantum"] = "00:00:00.020",
        });
        var gate = silo.Grains.GetGrain<IGateGrain>("busy");
        var held = gate.HoldAsync();
        await silo.Probe.WaitAsync("held:busy");

        // A second, idle grain is collected on the same sweeps; the held one is not.
        await silo.Grains.GetGrain<IGateGrain>("other").EchoAsync("x");
        await silo.Probe.WaitAsync("deactivated:other:ActivationIdle");
        Assert.Equal(0, silo.Probe.Count("deactivated:busy:ActivationIdle"));

        await gate.OpenAsync();
        Assert.Equal("released", await held);
    }

    [Fact]
    public async Task DeactivateOnIdleEndsTheActivationAndTheNextCallStartsANewOne()
    {
        var silo = await StartSiloAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("bye");
        await counter.IncrementAsync();

        await counter.DeactivateAsync();
        await silo.Probe.WaitAsync("deactivated:bye:ApplicationRequested");

        Assert.Equal(1, await counter.GetValueSeenAtActivationAsync());
        Assert.Equal(2, silo.Probe.Count("activated:bye"));
    }

    [Fact]
    public async Task CallsQueuedBehindADeactivationGoToTheNextActivation()
    {
        var silo = await StartSiloAsync();
        var counter = silo.Grains.GetGrain<ICounterGrain>("forward");
        await counter.IncrementAsync();

        var calls = new List<Task<int>>();
        var deactivate = counter.DeactivateAsync();
        for (var i = 0; i < 20; i++)
        {
            calls.Add(counter.IncrementAsync());
        }
        await deactivate;
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(2, 20), results.Order());
        Assert.Equal(21, await counter.GetAsync());
    }

    [Fact]
    public async Task DelayDeactivationKeepsAnIdleGrainWhileOthersAreCollected()
    {
        var silo = await StartSiloAsync(new Dictionary<string, string?>
        {
            ["CollectionAge"] = "00:00:00.050",
            ["CollectionQuantum"] = "00:00:00.020",
        });
        var kept = silo.Grains.GetGrain<ICounterGrain>("kept");
        await kept.KeepAliveAsync(TimeSpan.FromHours(1));
        await kept.IncrementAsync();

        // Idle grains touched after it are collected on the same sweeps; the kept one is not.
        for (var i = 0; i < 3; i++)
        {
            await silo.Grains.GetGrain<ICounterGrain>($"gone{i}").GetAsync();
            await silo.Probe.WaitAsync($"deactivated:gone{i}:ActivationIdle");
        }

        Assert.Equal(0, silo.Probe.Count("deactivated:kept"));
        Assert.Equal(1, silo.Probe.Count("activated:kept"));
    }
}
