using OrleansHub.Runtime.Tests.Grains;
using OrleansHub.Runtime.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Runtime.Tests;

public sealed class TurnTests(PostgresFixture postgres) : RuntimeTestBase(postgres)
{
    [Fact]
    public async Task NonReentrantGrainNeverInterleaves1000ConcurrentCalls()
    {
        var silo = await StartSiloAsync();
        var grain = silo.Grains.GetGrain<IConcurrencyProbeGrain>("one");

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(grain.EnterAsync)));

        var (calls, maxInside, parallel) = await grain.GetStatsAsync();
        Assert.Equal(1000, calls);
        Assert.Equal(1, maxInside);
        Assert.Equal(0, parallel);
    }

    [Fact]
    public async Task ReentrantGrainInterleavesAtAwaitsButNeverRunsInParallel()
    {
        var silo = await StartSiloAsync();
        var grain = silo.Grains.GetGrain<IReentrantProbeGrain>("one");

        // Each call waits until 50 calls are inside at once: only possible if they interleave.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => grain.WaitForCompanyAsync(50))));
        await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => Task.Run(grain.EnterAsync)));

        var (calls, maxInside, parallel) = await grain.GetStatsAsync();
        Assert.Equal(550, calls);
        Assert.True(maxInside >= 50, $"max inside was {maxInside}");
        Assert.Equal(0, parallel);
    }

    [Fact]
    public async Task NonReentrantGrainQueuesCallsWhileATurnAwaits()
    {
        var silo = await StartSiloAsync();
        var gate = silo.Grains.GetGrain<IGateGrain>("queue");

        var held = gate.HoldAsync();
        await silo.Probe.WaitAsync("held:queue");
        var echo = gate.EchoAsync("after");

        // The echo cannot run while HoldAsync's turn is open; an [AlwaysInterleave] call can.
        Assert.True(await gate.IsHeldAsync());
        Assert.False(echo.IsCompleted);
        await gate.OpenAsync();
        Assert.Equal("released", await held);
        Assert.Equal("after", await echo);
    }

    [Fact]
    public async Task CallCycleBetweenNonReentrantGrainsEndsWithTimeoutException()
    {
        var silo = await StartSiloAsync(new Dictionary<string, string?> { ["ResponseTimeout"] = "00:00:00.500" });

        var call = silo.Grains.GetGrain<ICycleGrain>("a").CallAsync("b", 2);

        await Assert.ThrowsAsync<TimeoutException>(() => call);
        // Both grains are usable again once the cycle has unwound.
        Assert.Equal("b", await silo.Grains.GetGrain<ICycleGrain>("b").CallAsync("b", 0));
        Assert.Equal("a", await silo.Grains.GetGrain<ICycleGrain>("a").CallAsync("a", 0));
    }

    [Fact]
    public async Task ExceptionThrownByAGrainReachesTheCaller()
    {
        var silo = await StartSiloAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => silo.Grains.GetGrain<ICycleGrain>("x").FailAsync("broken on purpose"));

        Assert.Equal("broken on purpose", error.Message);
        Assert.Equal("x", await silo.Grains.GetGrain<ICycleGrain>("x").CallAsync("x", 0));
    }

    [Fact]
    public async Task GrainReferenceCarriesTheStableTypeNameAndKey()
    {
        var silo = await StartSiloAsync();

        var reference = silo.Grains.GetGrain<ICounterGrain>("k-1");

        Assert.Equal(new GrainId("counter", "k-1"), ((Calls.GrainReference)(object)reference).GrainId);
        Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<ICounterGrain>(""));
    }

    [Fact]
    public async Task AOneWayNotificationThatCallsBackTheSenderDoesNotDeadlock()
    {
        var silo = await StartSiloAsync(new Dictionary<string, string?> { ["ResponseTimeout"] = "00:00:05" });

        // a -> b (one-way), b -> a (awaited). With an awaited a -> b this is a cycle that times out.
        Assert.Equal("served", await silo.Grains.GetGrain<IPingPongGrain>("a").ServeAsync("b"));

        await silo.Probe.WaitAsync("called-back:a");
        Assert.Equal(1, silo.Probe.Count("recorded:a:b"));
        Assert.Equal(1, silo.Probe.Count("notified:a"));
    }

    [Fact]
    public async Task AOneWayCallReturnsBeforeTheGrainRunsAndHidesItsFailure()
    {
        var silo = await StartSiloAsync();

        await silo.Grains.GetGrain<IPingPongGrain>("f").FailAsync();

        // The grain is still healthy afterwards.
        await silo.Grains.GetGrain<IPingPongGrain>("f").EchoAsync("ok");
    }
}
