using OrleansHub.Runtime.Tests.Grains;
using OrleansHub.Runtime.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Runtime.Tests;

public sealed class TimerAndReminderTests(PostgresFixture postgres) : RuntimeTestBase(postgres)
{
    private static readonly Dictionary<string, string?> FastReminders = new()
    {
        ["MinimumReminderPeriod"] = "00:00:00.100",
        ["ReminderPollInterval"] = "00:00:00.050",
        ["ReminderLease"] = "00:00:02",
    };

    [Fact]
    public async Task TimerTicksAreTurnsThatNeverRunInsideACall()
    {
        var silo = await StartSiloAsync();
        var grain = silo.Grains.GetGrain<ITimerGrain>("t");

        await grain.StartAsync(TimeSpan.FromMilliseconds(10));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => grain.BusyAsync()));
        await silo.Probe.WaitAsync("tick:t", 5);

        var (ticks, overlaps) = await grain.GetAsync();
        Assert.True(ticks >= 5);
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task DisposedTimerStopsTicking()
    {
        var silo = await StartSiloAsync();
        var grain = silo.Grains.GetGrain<ITimerGrain>("stop");
        await grain.StartAsync(TimeSpan.FromMilliseconds(10));
        await silo.Probe.WaitAsync("tick:stop", 2);

        await grain.StopAsync();
        var (afterStop, _) = await grain.GetAsync();
        // Another timer grain ticking many times proves time passed; the stopped one stays put.
        var witness = silo.Grains.GetGrain<ITimerGrain>("witness");
        await witness.StartAsync(TimeSpan.FromMilliseconds(10));
        await silo.Probe.WaitAsync("tick:witness", 10);

        var (later, _) = await grain.GetAsync();
        Assert.Equal(afterStop, later);
    }

    [Fact]
    public async Task ReminderFiresRepeatedlyAndStopsWhenUnregistered()
    {
        var silo = await StartSiloAsync(FastReminders);
        var grain = silo.Grains.GetGrain<IReminderGrain>("r1");

        await grain.StartAsync(TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        await silo.Probe.WaitAsync("reminder:r1", 3);
        await grain.StopAsync();

        Assert.False(await grain.IsRegisteredAsync());
        Assert.True(await grain.GetTickCountAsync() >= 3);
    }

    [Fact]
    public async Task ReminderSurvivesASiloRestartAndFiresOnTheNewSilo()
    {
        var first = await StartSiloAsync(FastReminders);
        await first.Grains.GetGrain<IReminderGrain>("durable").StartAsync(TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(100));
        await first.StopAsync();
        await MakeDueNowAsync("durable");

        var second = await StartSiloAsync(FastReminders);

        await second.Probe.WaitAsync("reminder:durable", 2);
        Assert.True(await second.Grains.GetGrain<IReminderGrain>("durable").GetTickCountAsync() >= 2);
        Assert.Equal(0, first.Probe.Count("reminder:durable"));
    }

    [Fact]
    public async Task ReminderPeriodBelowTheMinimumIsRejected()
    {
        var silo = await StartSiloAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => silo.Grains.GetGrain<IReminderGrain>("short").StartAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task ReminderRegisteredWithAWriteExistsExactlyWhenTheWriteCommits()
    {
        var silo = await StartSiloAsync(FastReminders);
        var failed = silo.Grains.GetGrain<IReminderGrain>("with-failed-write");
        var written = silo.Grains.GetGrain<IReminderGrain>("with-write");

        await Assert.ThrowsAnyAsync<Exception>(() => failed.StartWithWriteAsync(TimeSpan.Zero, TimeSpan.FromMilliseconds(100), failWrite: true));
        await written.StartWithWriteAsync(TimeSpan.Zero, TimeSpan.FromMilliseconds(100), failWrite: false);

        await silo.Probe.WaitAsync("reminder:with-write", 2);
        Assert.Equal(0, await ReminderRowsAsync("with-failed-write"));
        Assert.False(await failed.IsRegisteredAsync());
        Assert.Equal(0, silo.Probe.Count("reminder:with-failed-write"));

        await written.StopWithWriteAsync();
        Assert.Equal(0, await ReminderRowsAsync("with-write"));
        Assert.False(await written.IsRegisteredAsync());
    }

    [Fact]
    public async Task GetReminderIsAnsweredFromTheActivationOnceItKnows()
    {
        var silo = await StartSiloAsync();
        var grain = silo.Grains.GetGrain<IReminderGrain>("known");
        await grain.StartAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        Assert.True(await grain.IsRegisteredAsync());

        // Only the grain changes its reminders, so a row removed behind its back is not read again.
        await using (var source = Npgsql.NpgsqlDataSource.Create(ConnectionString))
        await using (var delete = source.CreateCommand("DELETE FROM reminders WHERE grain_key = 'known'"))
        {
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }
        Assert.True(await grain.IsRegisteredAsync());

        await grain.StopAsync();
        Assert.False(await grain.IsRegisteredAsync());
        await grain.StartAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        Assert.True(await grain.IsRegisteredAsync());
        Assert.Equal(1, await ReminderRowsAsync("known"));
    }

    private async Task<long> ReminderRowsAsync(string key)
    {
        await using var source = Npgsql.NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand("SELECT count(*) FROM reminders WHERE grain_key = $1");
        command.Parameters.Add(new() { Value = key });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task MakeDueNowAsync(string key)
    {
        await using var source = Npgsql.NpgsqlDataSource.Create(ConnectionString);
        await using var command = source.CreateCommand("UPDATE reminders SET due_at = now() WHERE grain_key = $1");
        command.Parameters.Add(new() { Value = key });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
