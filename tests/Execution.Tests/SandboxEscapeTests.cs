using System.Runtime.Versioning;
using OrleansHub.Execution.Tests.Support;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary>
/// The local bubblewrap sandbox against the escapes of issue 19, each tried from inside a real run:
/// identity, the silo's files, the host's loopback, writes outside the run's folder, memory,
/// processes, file size, and children that try to outlive the run.
/// </summary>
public sealed class SandboxEscapeTests : IDisposable
{
    private readonly string _workRoot = Directory.CreateTempSubdirectory("orleanshub-sandbox-runs-").FullName;

    public void Dispose() => Directory.Delete(_workRoot, recursive: true);

    [SandboxFact]
    public async Task TheCommandRunsAsNobodyWithoutCapabilities()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot);

        var run = await RunAsync(executor, Shell("id -u; id -g; grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status; pwd"), deadline.Token);

        Assert.True(run.Result.Outcome == RunOutcome.Succeeded, run.ToString());
        var lines = run.Stdout.ToArray();
        Assert.Equal(["65534", "65534"], lines[..2]);
        Assert.Contains(lines, l => l.Replace('\t', ' ') == "CapEff: 0000000000000000");
        Assert.Contains(lines, l => l.Replace('\t', ' ') == "CapPrm: 0000000000000000");
        Assert.Contains(lines, l => l.Replace('\t', ' ') == "CapBnd: 0000000000000000");
        Assert.Equal("/work", lines[^1]);
    }

    [SandboxFact]
    [SupportedOSPlatform("linux")]
    public async Task TheSilosFilesAreNotVisible()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot);
        using var silo = await SiloSecretStandIn.CreateAsync(deadline.Token);

        var run = await RunAsync(executor, Shell(
            $"cat {silo.SecretFile}; echo \"secret=$?\"; for p in /root /home /work/.. /etc/shadow /var /opt {Path.GetTempPath()}{SiloSecretStandIn.DirectoryPrefix}*; do test -e \"$p\" && echo \"visible $p\"; done; ls /"),
            deadline.Token);

        Assert.DoesNotContain(run.Lines, l => l.Text.Contains(SiloSecretStandIn.Marker, StringComparison.Ordinal));
        Assert.Contains(run.Stdout, l => l.StartsWith("secret=", StringComparison.Ordinal) && l != "secret=0");
        Assert.Equal(["visible /work/.."], run.Stdout.Where(l => l.StartsWith("visible ", StringComparison.Ordinal)));
        Assert.DoesNotContain("root", run.Stdout);
        Assert.DoesNotContain("home", run.Stdout);
    }

    [SandboxFact]
    public async Task TheHostsLoopbackIsUnreachable()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot);
        using var listener = new HostLoopbackListener();

        var run = await RunAsync(executor, Spec("bash", "-c",
            $"(exec 3<>/dev/tcp/127.0.0.1/{listener.Port}) && echo tcp=connected || echo tcp=failed; "
            + $"wget -q -T 3 -O- http://127.0.0.1:{listener.Port}/ && echo wget=connected || echo wget=failed; "
            + "cat /proc/net/dev"), deadline.Token);

        Assert.Contains("tcp=failed", run.Stdout);
        Assert.Contains("wget=failed", run.Stdout);
        var interfaces = run.Stdout.Where(l => l.Contains(':', StringComparison.Ordinal) && !l.Contains('|', StringComparison.Ordinal) && !l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split(':')[0].Trim()).ToArray();
        Assert.Equal(["lo"], interfaces);
        listener.AssertNotReached("the sandbox");
    }

    [SandboxFact]
    public async Task NothingOutsideTheRunsFolderIsWritable()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot);
        var marker = "escape-" + Guid.NewGuid().ToString("N");

        var run = await RunAsync(executor, Shell(
            $"for p in /usr/{marker} /etc/{marker} /{marker} /work/../{marker}; do echo x > \"$p\" && echo \"wrote $p\"; done; "
            + $"echo kept > /tmp/{marker} && cat /tmp/{marker}; echo mine > /work/{marker} && cat /work/{marker}"),
            deadline.Token);

        Assert.DoesNotContain(run.Stdout, l => l.StartsWith("wrote ", StringComparison.Ordinal));
        Assert.Equal(["kept", "mine"], run.Stdout);
        // The sandbox's /tmp is its own tmpfs, gone with the run; the host's /tmp never saw the file.
        Assert.False(File.Exists(Path.Combine("/tmp", marker)));
        Assert.False(File.Exists(Path.Combine("/usr", marker)));
        Assert.False(File.Exists(Path.Combine("/etc", marker)));
        Assert.False(File.Exists(Path.Combine("/", marker)));
    }

    [SandboxFact]
    public async Task AMemoryHogIsStopped()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot, o => o.Sandbox.MemoryBytes = 32L * 1024 * 1024);

        // A 64 MiB shell variable cannot fit in a 32 MiB address space.
        var spec = Shell("x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo ${#x}") with { Timeout = TimeSpan.FromSeconds(60) };
        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.True(run.Result.Outcome == RunOutcome.Failed, run.ToString());
        Assert.DoesNotContain("67108864", run.Stdout);
    }

    [SandboxFact]
    public async Task ProcessCreationStopsAtTheLimitAndAForkBombIsContained()
    {
        using var deadline = Deadline();
        const int limit = 32;
        await using var executor = SandboxExecutor(_workRoot, o => o.Sandbox.ProcessLimit = limit);

        // Each background sleep is one more process; echo is a builtin and prints how many exist.
        var spec = Shell("i=0; while [ $i -lt 500 ]; do sleep 60 & i=$((i+1)); echo $i; done") with { Timeout = TimeSpan.FromSeconds(60) };
        var run = await RunAsync(executor, spec, deadline.Token);
        var bomb = Shell("bomb() { bomb | bomb & }; bomb; sleep 30") with { Timeout = TimeSpan.FromSeconds(5) };
        var bombed = await RunAsync(executor, bomb, deadline.Token);
        var after = await RunAsync(executor, Spec("echo", "still fine"), deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        Assert.InRange(run.Stdout.Select(int.Parse).DefaultIfEmpty(0).Max(), 1, limit - 1);
        Assert.Contains(run.Stderr, l => l.Contains("fork", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(bombed.Result.Outcome, (RunOutcome[])[RunOutcome.Failed, RunOutcome.TimedOut]);
        Assert.Equal(["still fine"], after.Stdout);
    }

    [SandboxFact]
    public async Task TheProcessLimitCountsEachRunOnItsOwn()
    {
        using var deadline = Deadline();
        const int limit = 32;
        await using var executor = SandboxExecutor(_workRoot, o => o.Sandbox.ProcessLimit = limit);
        const string twenty = "i=0; while [ $i -lt 20 ]; do sleep 60 & i=$((i+1)); done; echo \"spawned $i\"";

        // Together the two runs hold 40 processes, more than one run may have.
        await using var first = await executor.StartAsync(Shell(twenty + "; wait"), deadline.Token);
        await ReadUntilAsync(first, l => l.Text == "spawned 20", deadline.Token);
        var second = await RunAsync(executor, Shell(twenty), deadline.Token);
        first.Cancel();

        Assert.True(second.Result.Outcome == RunOutcome.Succeeded, second.ToString());
        Assert.Equal(["spawned 20"], second.Stdout);
        Assert.Equal(RunOutcome.Cancelled, (await first.Completion.WaitAsync(deadline.Token)).Outcome);
    }

    [SandboxFact]
    public async Task AFileLargerThanTheLimitFails()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot, o => o.Sandbox.FileSizeBytes = 1024 * 1024);

        var partial = await RunAsync(executor, Shell("head -c 2097152 /dev/zero > big; echo \"rc=$?\"; wc -c < big"), deadline.Token);
        var killed = await RunAsync(executor, Shell("exec head -c 2097152 /dev/zero > big"), deadline.Token);

        Assert.Contains(partial.Stdout, l => l.StartsWith("rc=", StringComparison.Ordinal) && l != "rc=0");
        Assert.Equal("1048576", partial.Stdout.Last().Trim());
        Assert.Equal(RunOutcome.Failed, killed.Result.Outcome);
        Assert.Equal("killed: file size limit (1 MiB)", killed.Result.Error);
    }

    [SandboxFact]
    public async Task ASetsidChildDoesNotOutliveTheRun()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot);
        var marker = "ohmarker-" + Guid.NewGuid().ToString("N");

        // The child leaves the session and the process group; the run waits until it is up, then ends.
        var run = await RunAsync(executor, Shell(
            $"setsid sh -c 'echo up > /work/up; sleep 3000; true' {marker} & while [ ! -e /work/up ]; do sleep 0.05; done; echo started"),
            deadline.Token);

        Assert.Equal(["started"], run.Stdout);
        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        Assert.Empty(await ProcessScan.WaitUntilGoneAsync(marker, deadline.Token));
    }

    [SandboxFact]
    public async Task CancelKillsTheWholeTreeIncludingSetsidChildren()
    {
        using var deadline = Deadline();
        await using var executor = SandboxExecutor(_workRoot);
        var marker = "ohmarker-" + Guid.NewGuid().ToString("N");

        await using var handle = await executor.StartAsync(Shell(
            $"setsid sh -c 'sleep 3000; true' {marker} & echo started; sleep 3000"), deadline.Token);
        await ReadUntilAsync(handle, l => l.Text == "started", deadline.Token);
        Assert.NotEmpty(ProcessScan.Find(marker));
        handle.Cancel();
        var result = await ReadToEndAsync(handle, deadline.Token);

        Assert.Equal(RunOutcome.Cancelled, result.Result.Outcome);
        Assert.Empty(await ProcessScan.WaitUntilGoneAsync(marker, deadline.Token));
    }
}
