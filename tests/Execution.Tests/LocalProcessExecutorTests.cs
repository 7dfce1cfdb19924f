using System.Collections.Immutable;
using System.Globalization;
using OrleansHub.Execution.Local;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary>The local process executor with real processes: output, exit codes, process groups, caps, working directories.</summary>
public sealed class LocalProcessExecutorTests : IDisposable
{
    private readonly string _workRoot = Directory.CreateTempSubdirectory("orleanshub-local-runs-").FullName;

    public void Dispose() => Directory.Delete(_workRoot, recursive: true);

    [Fact]
    public async Task EchoReportsAStdoutLineAndSucceeds()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);

        var run = await RunAsync(executor, Spec("echo", "hello local"), deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Null(run.Result.Error);
        var line = Assert.Single(run.Lines);
        Assert.Equal(new { Seq = 1L, Stream = OutputStream.Stdout, Text = "hello local" }, new { line.Seq, line.Stream, line.Text });
    }

    [Fact]
    public async Task NonZeroExitFailsWithTheExitCodeAndTagsStderr()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);

        var run = await RunAsync(executor, Shell("echo to-out; echo to-err >&2; exit 3"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.Equal(3, run.Result.ExitCode);
        Assert.Equal("exited with code 3", run.Result.Error);
        Assert.Equal(["to-out"], run.Stdout);
        Assert.Equal(["to-err"], run.Stderr);
        Assert.Equal([1L, 2L], run.Lines.Select(l => l.Seq).Order());
    }

    [Fact]
    public async Task TheCommandIsAnArgvNotAShellLine()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);

        var run = await RunAsync(executor, Spec("echo", "$HOME", "a;b", "*", "`id`"), deadline.Token);

        Assert.Equal(["$HOME a;b * `id`"], run.Stdout);
    }

    [Fact]
    public async Task TheEnvironmentIsOnlyWhatTheRunIsGiven()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);
        var spec = Shell("env") with { Environment = ImmutableDictionary<string, string>.Empty.Add("GREETING", "hi there") };

        var run = await RunAsync(executor, spec, deadline.Token);

        var names = run.Stdout.Select(l => l.Split('=')[0]).Except(["PWD", "SHLVL", "_", "OLDPWD"]).Order().ToArray();
        Assert.Equal(["GREETING", "HOME", "PATH", "TMPDIR"], names);
        Assert.Contains("GREETING=hi there", run.Stdout);
    }

    [Fact]
    public async Task CancelKillsTheWholeProcessGroup()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);

        await using var handle = await executor.StartAsync(Shell("sleep 300 & echo \"group=$$ child=$!\"; sleep 300"), deadline.Token);
        var (group, child) = ParseIds((await ReadUntilAsync(handle, l => l.Text.StartsWith("group=", StringComparison.Ordinal), deadline.Token)).Text);
        Assert.NotEmpty(LiveProcessesOfGroup(group));
        handle.Cancel();
        var run = await ReadToEndAsync(handle, deadline.Token);

        Assert.Equal(RunOutcome.Cancelled, run.Result.Outcome);
        Assert.Empty(LiveProcessesOfGroup(group));
        Assert.False(IsAlive(child));
    }

    [Fact]
    public async Task TimeoutKillsTheWholeProcessGroup()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);
        var spec = Shell("sleep 300 & echo \"group=$$ child=$!\"; sleep 300") with { Timeout = TimeSpan.FromSeconds(1) };

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.TimedOut, run.Result.Outcome);
        Assert.Equal("timed out after 1 s", run.Result.Error);
        var (group, child) = ParseIds(Assert.Single(run.Stdout));
        Assert.Empty(LiveProcessesOfGroup(group));
        Assert.False(IsAlive(child));
    }

    [Fact]
    public async Task BackgroundProcessesDoNotOutliveTheRun()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);

        // The shell exits at once; its background sleep still holds the output pipe.
        var run = await RunAsync(executor, Shell("sleep 300 & echo \"group=$$ child=$!\""), deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        var (group, child) = ParseIds(Assert.Single(run.Stdout));
        Assert.Empty(LiveProcessesOfGroup(group));
        Assert.False(IsAlive(child));
    }

    [Fact]
    public async Task HugeOutputIsTruncatedAtTheCapWithAVisibleMarker()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);
        const long cap = 64 * 1024;
        var spec = Shell("yes | head -c 5000000; echo done >&2") with { OutputCapBytes = cap };

        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        Assert.True(run.Result.Truncated);
        Assert.InRange(run.CountedBytes, cap - 2, cap);
        var marker = Assert.Single(run.Notices);
        Assert.Equal(OutputStream.Stderr, marker.Stream);
        Assert.Contains("output truncated", marker.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("done", run.Stderr);
    }

    [Fact]
    public async Task ACapThatCutsALineKeepsItsStartAndNothingPastTheCap()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot, o => o.MaxOutputBytes = 4096);

        var run = await RunAsync(executor, Shell("echo first; head -c 10000 /dev/zero | tr '\\0' x; echo; echo never"), deadline.Token);

        Assert.True(run.Result.Truncated);
        Assert.Equal(4096, run.Result.OutputBytes);
        Assert.Equal("first", run.Stdout.First());
        Assert.Equal(4096 - "first\n".Length, run.Stdout.Skip(1).Sum(l => l.Length));
        Assert.DoesNotContain("never", run.Stdout);
    }

    [Fact]
    public async Task LongLinesAreSplitWithoutCuttingACharacter()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot, o => o.MaxLineBytes = 101);
        var sixtyAccents = string.Concat(Enumerable.Repeat("é", 60)); // 120 UTF-8 bytes

        var run = await RunAsync(executor, Spec("printf", "%s\\n%0250d\\n", sixtyAccents, "0"), deadline.Token);

        Assert.Equal(
            [new string('é', 50), new string('é', 10), new string('0', 101), new string('0', 101), new string('0', 48)],
            run.Stdout);
    }

    [Fact]
    public async Task NulAndInvalidUtf8BecomeReplacementCharacters()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);

        var run = await RunAsync(executor, Spec("printf", "a\\000b\\377c\\r\\nlast-without-newline"), deadline.Token);

        Assert.Equal(["a\uFFFDb\uFFFDc", "last-without-newline"], run.Stdout);
    }

    [Fact]
    public async Task EachRunGetsAFreshWorkingDirectoryThatIsRemovedAfterwards()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);
        const string script = "pwd; ls -A | wc -l; mkdir -p sub/locked; touch sub/locked/file made-here; chmod 500 sub/locked";

        var first = await RunAsync(executor, Shell(script), deadline.Token);
        var second = await RunAsync(executor, Shell(script), deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, first.Result.Outcome);
        var firstDirectory = first.Stdout.First();
        var secondDirectory = second.Stdout.First();
        Assert.StartsWith(_workRoot + "/", firstDirectory, StringComparison.Ordinal);
        Assert.NotEqual(firstDirectory, secondDirectory);
        Assert.Equal("0", second.Stdout.ElementAt(1).Trim());
        Assert.False(Directory.Exists(firstDirectory));
        Assert.False(Directory.Exists(secondDirectory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_workRoot));
    }

    [Fact]
    public async Task AMissingProgramFailsWithAReadableReason()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);

        var run = await RunAsync(executor, Spec("no-such-program-here", "--flag"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.NotEqual(0, run.Result.ExitCode);
        Assert.Contains(run.Stderr, l => l.Contains("no-such-program-here", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunsAreKnownOnlyWhileThisExecutorFollowsThem()
    {
        using var deadline = Deadline();
        await using var executor = LocalExecutor(_workRoot);
        var spec = Shell("echo ready; sleep 300");

        await using var handle = await executor.StartAsync(spec, deadline.Token);
        await ReadUntilAsync(handle, l => l.Text == "ready", deadline.Token);
        Assert.Equal(RunState.Running, (await executor.FindAsync(spec.RunId, deadline.Token)).State);
        Assert.Null(await executor.ReattachAsync(spec.RunId, deadline.Token));

        var reaped = await executor.ReapAsync(spec.RunId, deadline.Token);

        Assert.Equal(RunState.Running, reaped.State);
        Assert.Equal(RunOutcome.Cancelled, (await handle.Completion.WaitAsync(deadline.Token)).Outcome);
        Assert.Equal(RunState.Gone, (await executor.FindAsync(spec.RunId, deadline.Token)).State);
        Assert.Equal(RunState.Gone, (await executor.ReapAsync(spec.RunId, deadline.Token)).State);
    }

    [Fact]
    public async Task DisposingTheExecutorStopsItsRuns()
    {
        using var deadline = Deadline();
        var executor = LocalExecutor(_workRoot);

        var handle = await executor.StartAsync(Shell("echo \"group=$$ child=0\"; sleep 300"), deadline.Token);
        var (group, _) = ParseIds((await ReadUntilAsync(handle, l => l.Text.StartsWith("group=", StringComparison.Ordinal), deadline.Token)).Text);
        await executor.DisposeAsync();
        var result = await handle.Completion.WaitAsync(deadline.Token);

        Assert.Equal(RunOutcome.Failed, result.Outcome);
        Assert.Equal("the executor shut down before the run finished", result.Error);
        Assert.Empty(LiveProcessesOfGroup(group));
    }

    [Fact]
    public async Task CancellingBeforeTheStartRunsNothing()
    {
        await using var executor = LocalExecutor(_workRoot);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await using var handle = await executor.StartAsync(Spec("echo", "never"), cancelled.Token);
        var result = await handle.Completion;

        Assert.Equal(RunOutcome.Cancelled, result.Outcome);
        Assert.Null(result.StartedAt);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_workRoot));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("-starts-with-dash")]
    public async Task AMalformedRunIdIsRejected(string runId)
    {
        await using var executor = LocalExecutor(_workRoot);

        await Assert.ThrowsAsync<ArgumentException>(() => executor.StartAsync(Spec("true") with { RunId = runId }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => executor.FindAsync(runId, CancellationToken.None));
    }

    [Fact]
    public async Task AMalformedCommandIsRejected()
    {
        await using var executor = LocalExecutor(_workRoot);

        await Assert.ThrowsAsync<ArgumentException>(() => executor.StartAsync(Spec() , CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => executor.StartAsync(Spec("echo", "a\0b"), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => executor.StartAsync(
            Spec("true") with { Environment = ImmutableDictionary<string, string>.Empty.Add("BAD=NAME", "x") }, CancellationToken.None));
    }

    private static (int Group, int Child) ParseIds(string line)
    {
        var parts = line.Split(' ').Select(p => int.Parse(p.Split('=')[1], CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1]);
    }

    // Processes whose process group is the run's, zombies excluded (they are dead, waiting for a parent to reap them).
    private static List<int> LiveProcessesOfGroup(int group)
    {
        var members = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || ReadStat(pid) is not { } stat)
            {
                continue;
            }

            if (stat.Group == group && stat.State != 'Z' && stat.State != 'X')
            {
                members.Add(pid);
            }
        }

        return members;
    }

    private static bool IsAlive(int pid) => pid > 0 && ReadStat(pid) is { State: not ('Z' or 'X') };

    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses.
    private static (char State, int Group)? ReadStat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[2], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
