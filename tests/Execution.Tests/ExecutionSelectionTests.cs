using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.TestSupport.Docker;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary><c>AddTaskExecution</c>: options binding and validation, and which executor runs tasks.</summary>
[Collection(DockerCollection.Name)]
public sealed class ExecutionSelectionTests
{
    private const string NoEngine = "/nonexistent/orleanshub/docker.sock";

    [Fact]
    public async Task LocalModeRunsTasksAsLocalProcesses()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Mode"] = "local" });

        var executor = services.GetRequiredService<ITaskExecutor>();
        var run = await RunAsync(executor, Spec("echo", "selected"), deadline.Token);

        Assert.Equal("local", executor.Name);
        Assert.Equal(["selected"], run.Stdout);
    }

    [Fact]
    public async Task AutoModeFallsBackToLocalWhenNoEngineAnswers()
    {
        using var deadline = Deadline();
        await using var services = Build(new() { ["Execution:Docker:Socket"] = NoEngine });

        var selected = await services.GetRequiredService<SelectingTaskExecutor>().SelectAsync(deadline.Token);

        Assert.Equal("local", selected.Name);
        Assert.Equal("local", services.GetRequiredService<ITaskExecutor>().Name);
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
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Execution:Mode"] = "local" });
        builder.Services.AddTaskExecution();
        using var host = builder.Build();

        Assert.Equal("undecided", host.Services.GetRequiredService<ITaskExecutor>().Name);
        await host.StartAsync();
        Assert.Equal("local", host.Services.GetRequiredService<ITaskExecutor>().Name);
        await host.StopAsync();
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddTaskExecution();
        return services.BuildServiceProvider();
    }
}
