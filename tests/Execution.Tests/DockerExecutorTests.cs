using System.Collections.Immutable;
using OrleansHub.TestSupport.Docker;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary>The Docker executor's lifecycle against a real engine: output, exit codes, cancel, timeout, caps, cleanup.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerExecutorTests
{
    [DockerFact]
    public async Task EchoReportsAStdoutLineAndSucceeds()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Spec("echo", "hello sandbox");

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Null(run.Result.Error);
        Assert.False(run.Result.Truncated);
        Assert.NotNull(run.Result.StartedAt);
        var line = Assert.Single(run.Lines);
        Assert.Equal(new { Seq = 1L, Stream = OutputStream.Stdout, Text = "hello sandbox" }, new { line.Seq, line.Stream, line.Text });
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task NonZeroExitFailsWithTheExitCodeAndTagsStderr()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Shell("echo to-out; echo to-err >&2; exit 3");

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal(3, run.Result.ExitCode);
        Assert.Equal("exited with code 3", run.Result.Error);
        Assert.Equal(["to-out"], run.Stdout);
        Assert.Equal(["to-err"], run.Stderr);
        Assert.Equal([1L, 2L], run.Lines.Select(l => l.Seq).Order());
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task TheCommandIsAnArgvNotAShellLine()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Spec("echo", "$HOME", "a;b", "*", "`id`") with
        {
            Environment = ImmutableDictionary<string, string>.Empty.Add("GREETING", "hi there"),
        };

        var run = await RunAsync(executor, spec, deadline.Token);
        var env = await RunAsync(executor, Shell("echo \"$GREETING\"") with { Environment = spec.Environment }, deadline.Token);

        Assert.Equal(["$HOME a;b * `id`"], run.Stdout);
        Assert.Equal(["hi there"], env.Stdout);
    }

    [DockerFact]
    public async Task CancelStopsAndRemovesTheContainer()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Shell("echo ready; sleep 60");

        await using var handle = await executor.StartAsync(spec, deadline.Token);
        await ReadUntilAsync(handle, l => l.Text == "ready", deadline.Token);
        Assert.Single(await DockerCli.ContainersOfRunAsync(DockerDaemon.SocketPath, spec.RunId, deadline.Token));
        handle.Cancel();
        var run = await ReadToEndAsync(handle, deadline.Token);

        Assert.Equal(RunOutcome.Cancelled, run.Result.Outcome);
        Assert.Equal("cancelled", run.Result.Error);
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task CancelByRunIdStopsTheRun()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Shell("echo ready; sleep 60");

        await using var handle = await executor.StartAsync(spec, deadline.Token);
        await ReadUntilAsync(handle, l => l.Text == "ready", deadline.Token);
        Assert.True(await executor.CancelAsync(spec.RunId, deadline.Token));
        var run = await ReadToEndAsync(handle, deadline.Token);

        Assert.Equal(RunOutcome.Cancelled, run.Result.Outcome);
        Assert.False(await executor.CancelAsync(spec.RunId, deadline.Token));
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task TimeoutStopsAndRemovesTheContainer()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Spec("sleep", "60") with { Timeout = TimeSpan.FromSeconds(2) };

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.TimedOut, run.Result.Outcome);
        Assert.Equal("timed out after 2 s", run.Result.Error);
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task HugeOutputIsTruncatedAtTheCapWithAVisibleMarker()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        const long cap = 64 * 1024;
        var spec = Shell("yes | head -c 5000000; echo done >&2") with { OutputCapBytes = cap };

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.True(run.Result.Truncated, run.ToString());
        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        Assert.InRange(run.CountedBytes, cap - 2, cap);
        Assert.InRange(run.Result.OutputBytes, cap - 2, cap);
        var marker = Assert.Single(run.Notices);
        Assert.Equal(OutputStream.Stderr, marker.Stream);
        Assert.Contains("output truncated", marker.Text, StringComparison.Ordinal);
        Assert.Equal(marker, run.Lines[^1]);
        Assert.DoesNotContain("done", run.Stderr);
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task AMissingImageFailsWithAReadableReason()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Spec("true") with { Image = "orleanshub/not-built-here:0" };

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Null(run.Result.ExitCode);
        Assert.Null(run.Result.StartedAt);
        Assert.Contains("'orleanshub/not-built-here:0' is not available on the Docker engine", run.Result.Error, StringComparison.Ordinal);
        Assert.Empty(run.Lines);
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task AMissingProgramFailsWithAReadableReasonAndLeavesNothing()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Spec("no-such-program", "--flag");

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Null(run.Result.ExitCode);
        Assert.StartsWith("the Docker engine refused to start the container: ", run.Result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', run.Result.Error!);
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task ASecondStartOfARunningRunIdFailsWithoutTouchingTheFirst()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Shell("echo ready; sleep 60");

        await using var first = await executor.StartAsync(spec, deadline.Token);
        await ReadUntilAsync(first, l => l.Text == "ready", deadline.Token);
        var second = await RunAsync(executor, spec, deadline.Token);
        Assert.Equal(RunOutcome.Failed, second.Result.Outcome);
        Assert.Contains("already running", second.Result.Error, StringComparison.Ordinal);

        Assert.Equal(RunState.Running, (await executor.FindAsync(spec.RunId, deadline.Token)).State);
        first.Cancel();
        Assert.Equal(RunOutcome.Cancelled, (await ReadToEndAsync(first, deadline.Token)).Result.Outcome);
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task DisposingTheExecutorStopsItsRuns()
    {
        using var deadline = Deadline();
        var executor = DockerExecutor();
        var spec = Shell("echo ready; sleep 60");

        var handle = await executor.StartAsync(spec, deadline.Token);
        await ReadUntilAsync(handle, l => l.Text == "ready", deadline.Token);
        await executor.DisposeAsync();
        var result = await handle.Completion.WaitAsync(deadline.Token);

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal("the executor shut down before the run finished", result.Error);
        await AssertGoneAsync(spec.RunId, deadline.Token);
    }

    internal static async Task AssertGoneAsync(string runId, CancellationToken cancellationToken) =>
        Assert.Empty(await DockerCli.ContainersOfRunAsync(DockerDaemon.SocketPath, runId, cancellationToken));
}
