using System.Globalization;
using OrleansHub.TestSupport.Docker;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary>
/// After a silo dies its containers live on. These tests leave containers behind the way a dead
/// silo would (started with the docker CLI, labelled like the executor labels them) and check
/// that a fresh executor finds, re-attaches to and reaps them.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerReattachTests
{
    [DockerFact]
    public async Task AnUnknownRunIsGone()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var runId = NewRunId();

        Assert.Equal(RunState.Gone, (await executor.FindAsync(runId, deadline.Token)).State);
        Assert.Null(await executor.ReattachAsync(runId, deadline.Token));
        Assert.Equal(RunState.Gone, (await executor.ReapAsync(runId, deadline.Token)).State);
    }

    [DockerFact]
    public async Task ReattachFollowsALeftoverContainerToItsExitCode()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var runId = NewRunId();
        var container = await LeaveBehindAsync(runId, TimeSpan.FromSeconds(60), deadline.Token,
            "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.1; done; echo after; exit 4");

        Assert.Equal(RunState.Running, (await executor.FindAsync(runId, deadline.Token)).State);
        await using var handle = await executor.ReattachAsync(runId, deadline.Token);
        Assert.NotNull(handle);
        await CliAsync(deadline.Token, "exec", container, "touch", "/tmp/go");
        var run = await ReadToEndAsync(handle, deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal(4, run.Result.ExitCode);
        Assert.Equal(["after"], run.Stdout);
        Assert.Contains(run.Notices, l => l.Text.Contains("re-attached", StringComparison.Ordinal));
        await DockerExecutorTests.AssertGoneAsync(runId, deadline.Token);
    }

    [DockerFact]
    public async Task ReattachToAFinishedContainerReportsItsExitCode()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var runId = NewRunId();
        await LeaveBehindAsync(runId, TimeSpan.FromSeconds(60), deadline.Token, "sh", "-c", "exit 5");
        await CliAsync(deadline.Token, "wait", "orleanshub-run-" + runId);

        var probe = await executor.FindAsync(runId, deadline.Token);
        Assert.Equal(new RunProbe(runId, RunState.Exited, 5), probe);
        await using var handle = await executor.ReattachAsync(runId, deadline.Token);
        Assert.NotNull(handle);
        var run = await ReadToEndAsync(handle, deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal(5, run.Result.ExitCode);
        Assert.Contains(run.Notices, l => l.Text.Contains("output was lost", StringComparison.Ordinal));
        await DockerExecutorTests.AssertGoneAsync(runId, deadline.Token);
    }

    [DockerFact]
    public async Task ReattachKeepsTheOriginalDeadline()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var runId = NewRunId();
        await LeaveBehindAsync(runId, TimeSpan.FromSeconds(2), deadline.Token, "sleep", "60");

        await using var handle = await executor.ReattachAsync(runId, deadline.Token);
        Assert.NotNull(handle);
        var run = await ReadToEndAsync(handle, deadline.Token);

        Assert.Equal(RunOutcome.TimedOut, run.Result.Outcome);
        Assert.Equal("timed out after 2 s", run.Result.Error);
        await DockerExecutorTests.AssertGoneAsync(runId, deadline.Token);
    }

    [DockerFact]
    public async Task ReapKillsAndRemovesALeftoverRun()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var runId = NewRunId();
        await LeaveBehindAsync(runId, TimeSpan.FromSeconds(60), deadline.Token, "sleep", "60");

        var reaped = await executor.ReapAsync(runId, deadline.Token);

        Assert.Equal(RunState.Running, reaped.State);
        await DockerExecutorTests.AssertGoneAsync(runId, deadline.Token);
        Assert.Equal(RunState.Gone, (await executor.FindAsync(runId, deadline.Token)).State);
    }

    [DockerFact]
    public async Task ReapStopsARunThisExecutorFollows()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Shell("echo ready; sleep 60");
        await using var handle = await executor.StartAsync(spec, deadline.Token);
        await ReadUntilAsync(handle, l => l.Text == "ready", deadline.Token);

        var reaped = await executor.ReapAsync(spec.RunId, deadline.Token);

        Assert.Equal(RunState.Running, reaped.State);
        Assert.Equal(RunOutcome.Cancelled, (await handle.Completion.WaitAsync(deadline.Token)).Outcome);
        await DockerExecutorTests.AssertGoneAsync(spec.RunId, deadline.Token);
    }

    // A container as the executor would have made it, started, with nobody following it.
    private static async Task<string> LeaveBehindAsync(string runId, TimeSpan timeout, CancellationToken cancellationToken, params string[] command)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        string[] arguments =
        [
            "run", "--detach", "--name", "orleanshub-run-" + runId,
            "--label", "orleanshub.run=" + runId,
            "--label", "orleanshub.deadline=" + deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            "--label", "orleanshub.timeout-ms=" + ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--label", "orleanshub.output-cap=65536",
            "--network", "none", "--user", "65534:65534", "--log-driver", "none",
            DockerDaemon.SandboxImage, .. command,
        ];
        return (await CliAsync(cancellationToken, arguments)).Trim();
    }

    private static async Task<string> CliAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var (code, output, error) = await DockerCli.RunAsync(DockerDaemon.SocketPath, cancellationToken, arguments);
        Assert.True(code == 0, $"docker {string.Join(' ', arguments)} failed: {error}");
        return output;
    }
}
