using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Tests.Support;
using OrleansHub.TestSupport.Docker;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary><c>AddTaskExecution</c>: options binding and validation, and which executor runs tasks.</summary>
[Collection(DockerCollection.Name)]
public sealed class ExecutionSelectionTests
{
    private const string NoEngine = "/nonexistent/orleanshub/docker.sock";

    private const string NoBwrap = "/nonexistent/orleanshub/bwrap";

    [Fact]
    public async Task UnsafeLocalModeRunsTasksAsLocalProcesses()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Mode"] = "UnsafeLocal" });

        var executor = services.GetRequiredService<ITaskExecutor>();
        var run = await RunAsync(executor, Spec("echo", "selected"), deadline.Token);

        Assert.Equal("unsafe-local", executor.Name);
        Assert.Equal(["selected"], run.Stdout);
        Assert.Null(await executor.WhyUnavailableAsync(deadline.Token));
    }

    [Theory]
    [InlineData("local")]
    [InlineData("Local")]
    public async Task TheRemovedLocalModeIsRejectedNamingItsReplacements(string mode)
    {
        await using var services = Build(new() { ["Execution:Mode"] = mode });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ExecutionOptions>>().Value);

        var failure = Assert.Single(error.Failures);
        Assert.Contains("'Sandbox'", failure, StringComparison.Ordinal);
        Assert.Contains("'UnsafeLocal'", failure, StringComparison.Ordinal);
    }

    [SandboxFact]
    public async Task AutoModeFallsBackToTheSandboxWhenNoEngineAnswers()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Docker:Socket"] = NoEngine });

        var selected = await services.GetRequiredService<SelectingTaskExecutor>().SelectAsync(deadline.Token);
        var executor = services.GetRequiredService<ITaskExecutor>();
        var run = await RunAsync(executor, Shell("id -u"), deadline.Token);

        Assert.Equal("sandbox", selected.Name);
        Assert.Equal("sandbox", executor.Name);
        Assert.Equal(["65534"], run.Stdout);
        Assert.Null(await executor.WhyUnavailableAsync(deadline.Token));
    }

    [SandboxFact]
    public async Task AutoModeSaysPlainlyWhichSocketItTriedWhatItChoseAndHowToChangeIt()
    {
        using var deadline = Deadline();
        var logs = new FakeLogCollector();
        await using var services = Build(new() { ["Execution:Docker:Socket"] = NoEngine }, logs);

        await services.GetRequiredService<SelectingTaskExecutor>().SelectAsync(deadline.Token);

        var line = Assert.Single(logs.GetSnapshot(), r => r.Category == typeof(SelectingTaskExecutor).FullName);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith($"Tasks run in the local bubblewrap sandbox because no Docker engine answered at {NoEngine} (", line.Message, StringComparison.Ordinal);
        Assert.Contains("set Execution__Docker__Socket", line.Message, StringComparison.Ordinal);
        Assert.Contains("Execution__Mode=Sandbox", line.Message, StringComparison.Ordinal);
        Assert.Single(AllIndexesOf(line.Message, NoEngine));
    }

    [Fact]
    public async Task UnsafeLocalModeWarnsAtEveryStart()
    {
        for (var start = 0; start < 2; start++)
        {
            var logs = new FakeLogCollector();
            await using var services = Build(new() { ["Execution:Mode"] = "UnsafeLocal" }, logs);

            await services.GetRequiredService<SelectingTaskExecutor>().SelectAsync(CancellationToken.None);

            var line = Assert.Single(logs.GetSnapshot(), r => r.Category == typeof(SelectingTaskExecutor).FullName);
            Assert.Equal(LogLevel.Warning, line.Level);
            Assert.Contains("UNSANDBOXED", line.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AutoModeWithoutEngineOrSandboxRunsNothingAndSaysHowToGetOne()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Docker:Socket"] = NoEngine, ["Execution:Sandbox:BwrapPath"] = NoBwrap });

        var executor = services.GetRequiredService<ITaskExecutor>();
        var why = await executor.WhyUnavailableAsync(deadline.Token);
        var run = await RunAsync(executor, Spec("echo", "never"), deadline.Token);

        Assert.Equal("unavailable", executor.Name);
        Assert.NotNull(why);
        Assert.Contains(NoEngine, why, StringComparison.Ordinal);
        Assert.Contains("bubblewrap is not installed at " + NoBwrap, why, StringComparison.Ordinal);
        Assert.Contains("apt-get install bubblewrap", why, StringComparison.Ordinal);
        Assert.Contains("Execution__Mode=UnsafeLocal", why, StringComparison.Ordinal);
        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Null(run.Result.StartedAt);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task SandboxModeNeverFallsBackToUnsandboxedRuns()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Mode"] = "Sandbox", ["Execution:Sandbox:BwrapPath"] = NoBwrap });

        var executor = services.GetRequiredService<ITaskExecutor>();
        var run = await RunAsync(executor, Spec("echo", "never"), deadline.Token);

        Assert.Equal("unavailable", executor.Name);
        Assert.NotNull(await executor.WhyUnavailableAsync(deadline.Token));
        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Empty(run.Stdout);
    }

    [SandboxFact]
    public async Task SandboxModeRunsInTheSandbox()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Mode"] = "sandbox" });

        var executor = services.GetRequiredService<ITaskExecutor>();
        var run = await RunAsync(executor, Shell("id -u; cat /proc/net/dev | grep -c ':'"), deadline.Token);

        Assert.Equal("sandbox", executor.Name);
        Assert.Equal(["65534", "1"], run.Stdout);
    }

    [DockerFact]
    public async Task AutoModeChoosesDockerWhenTheEngineAnswers()
    {
        using var deadline = Deadline();
        await using var services = Build(new()
        {
            ["Execution:Docker:Socket"] = DockerDaemon.SocketPath,
            ["Execution:Docker:DefaultImage"] = DockerDaemon.SandboxImage,
        });

        var executor = services.GetRequiredService<ITaskExecutor>();
        var run = await RunAsync(executor, Shell("id -u"), deadline.Token);

        Assert.Equal("docker", executor.Name);
        Assert.Equal(["65534"], run.Stdout);
    }

    [Fact]
    public async Task DockerModeNeverFallsBackAndFailsRunsReadably()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Mode"] = "docker", ["Execution:Docker:Socket"] = NoEngine });

        var executor = services.GetRequiredService<ITaskExecutor>();
        var run = await RunAsync(executor, Spec("echo", "never"), deadline.Token);

        Assert.Equal("docker", executor.Name);
        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Null(run.Result.StartedAt);
        Assert.StartsWith($"the Docker engine at {NoEngine} is unreachable: ", run.Result.Error, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TaskExecutorUnavailableException>(() => executor.FindAsync("some-run", deadline.Token));
    }

    [Theory]
    [InlineData("Execution:Docker:User", "0:0", "non-root")]
    [InlineData("Execution:Docker:User", "root", "non-root")]
    [InlineData("Execution:Docker:Socket", "relative/docker.sock", "absolute path")]
    [InlineData("Execution:MaxOutputBytes", "10", "MaxOutputBytes")]
    [InlineData("Execution:DefaultTimeout", "00:00:00", "DefaultTimeout")]
    [InlineData("Execution:Docker:PidsLimit", "0", "PidsLimit")]
    [InlineData("Execution:Sandbox:User", "0:0", "non-root")]
    [InlineData("Execution:Sandbox:User", "nobody", "non-root")]
    [InlineData("Execution:Sandbox:BwrapPath", "bwrap", "absolute path")]
    [InlineData("Execution:Sandbox:PrlimitPath", "/opt/prlimit", "under /usr")]
    [InlineData("Execution:Sandbox:ProcessLimit", "1", "ProcessLimit")]
    [InlineData("Execution:Sandbox:MemoryBytes", "1024", "MemoryBytes")]
    public async Task SettingsThatWeakenTheSandboxAreRejected(string key, string value, string expected)
    {
        await using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ExecutionOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidSettingsStopTheHostFromStarting()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Execution:Docker:User"] = "0" });
        builder.Services.AddTaskExecution();
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task TheHostDecidesAtStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Execution:Mode"] = "UnsafeLocal" });
        builder.Services.AddTaskExecution();
        using var host = builder.Build();

        Assert.Equal("undecided", host.Services.GetRequiredService<ITaskExecutor>().Name);
        await host.StartAsync();
        Assert.Equal("unsafe-local", host.Services.GetRequiredService<ITaskExecutor>().Name);
        await host.StopAsync();
    }

    private static IEnumerable<int> AllIndexesOf(string text, string value)
    {
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            yield return i;
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, FakeLogCollector? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(builder =>
        {
            if (logs is not null)
            {
                builder.AddProvider(new FakeLoggerProvider(logs));
            }
        });
        services.AddTaskExecution();
        return services.BuildServiceProvider();
    }
}
