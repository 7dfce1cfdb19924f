using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.Versioning;
using OrleansHub.Execution.Tests.Support;
using OrleansHub.TestSupport.Docker;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary>The hardening of every container, checked from inside it.</summary>
[Collection(DockerCollection.Name)]
public sealed class DockerSandboxTests
{
    [DockerFact]
    public async Task TheCommandRunsAsNobodyWithoutCapabilities()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();

        var run = await RunAsync(executor, Shell("id -u; id -g; grep -E '^Cap(Eff|Prm|Bnd)|^NoNewPrivs' /proc/self/status"), deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        var lines = run.Stdout.ToArray();
        Assert.Equal(["65534", "65534"], lines[..2]);
        Assert.Contains(lines, l => l.Replace('\t', ' ') == "CapEff: 0000000000000000");
        Assert.Contains(lines, l => l.Replace('\t', ' ') == "CapPrm: 0000000000000000");
        Assert.Contains(lines, l => l.Replace('\t', ' ') == "CapBnd: 0000000000000000");
        Assert.Contains(lines, l => l.Replace('\t', ' ') == "NoNewPrivs: 1");
    }

    /// <summary>
    /// What the engine made of the create request (Docker.DotNet leaves false and zero out of the
    /// body, so this checks the engine's defaults as well as what is sent).
    /// </summary>
    [DockerFact]
    public async Task TheEngineCreatesTheContainerWithEveryHardeningSetting()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var spec = Shell("echo ready; sleep 60");
        await using var handle = await executor.StartAsync(spec, deadline.Token);
        await ReadUntilAsync(handle, l => l.Text == "ready", deadline.Token);

        var id = Assert.Single(await DockerCli.ContainersOfRunAsync(DockerDaemon.SocketPath, spec.RunId, deadline.Token));
        var (code, output, error) = await DockerCli.RunAsync(DockerDaemon.SocketPath, deadline.Token, "inspect", id);
        Assert.True(code == 0, "docker inspect failed: " + error);
        using var inspected = System.Text.Json.JsonDocument.Parse(output);
        var container = Assert.Single(inspected.RootElement.EnumerateArray());
        var host = container.GetProperty("HostConfig");
        var config = container.GetProperty("Config");

        Assert.Equal("none", host.GetProperty("NetworkMode").GetString());
        Assert.False(host.GetProperty("Privileged").GetBoolean());
        Assert.False(host.GetProperty("AutoRemove").GetBoolean());
        Assert.True(host.GetProperty("ReadonlyRootfs").GetBoolean());
        Assert.Equal(["ALL"], host.GetProperty("CapDrop").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["no-new-privileges"], host.GetProperty("SecurityOpt").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("rw,noexec,nosuid,nodev,size=16777216,mode=1777", host.GetProperty("Tmpfs").GetProperty("/tmp").GetString());
        Assert.Equal("private", host.GetProperty("IpcMode").GetString());
        Assert.Equal(64, host.GetProperty("PidsLimit").GetInt64());
        Assert.Equal(256L * 1024 * 1024, host.GetProperty("Memory").GetInt64());
        Assert.Equal(256L * 1024 * 1024, host.GetProperty("MemorySwap").GetInt64());
        Assert.Equal(1_000_000_000, host.GetProperty("NanoCpus").GetInt64());
        Assert.Equal(
            ["nofile 1024 1024", "core 0 0"],
            host.GetProperty("Ulimits").EnumerateArray().Select(u => $"{u.GetProperty("Name").GetString()} {u.GetProperty("Soft").GetInt64()} {u.GetProperty("Hard").GetInt64()}"));
        Assert.Equal("no", host.GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Equal("none", host.GetProperty("LogConfig").GetProperty("Type").GetString());
        Assert.Equal("65534:65534", config.GetProperty("User").GetString());
        Assert.True(config.GetProperty("NetworkDisabled").GetBoolean());
        Assert.False(config.GetProperty("Tty").GetBoolean());
        Assert.False(config.GetProperty("OpenStdin").GetBoolean());
        Assert.False(config.GetProperty("AttachStdin").GetBoolean());
        Assert.Equal(["sh"], config.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(spec.RunId, config.GetProperty("Labels").GetProperty("orleanshub.run").GetString());

        Assert.True(await executor.CancelAsync(spec.RunId, deadline.Token));
        Assert.Equal(RunOutcome.Cancelled, (await handle.Completion.WaitAsync(deadline.Token)).Outcome);
    }

    [DockerFact]
    public async Task TheSandboxHasNoNetwork()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var hostAddress = HostAddress();

        var run = await RunAsync(executor, Shell(
            $"cat /proc/net/dev; nc -w 3 {hostAddress} {port} </dev/null; echo \"host=$?\"; nc -w 3 1.1.1.1 53 </dev/null; echo \"internet=$?\""),
            deadline.Token);

        // /proc/net/dev: two header lines, then one "name: counters" line per interface.
        var interfaces = run.Stdout.Where(l => l.Contains(':', StringComparison.Ordinal) && !l.Contains('|', StringComparison.Ordinal))
            .Select(l => l.Split(':')[0].Trim()).ToArray();
        Assert.Equal(["lo"], interfaces);
        Assert.Contains(run.Stdout, l => l.StartsWith("host=", StringComparison.Ordinal) && l != "host=0");
        Assert.Contains(run.Stdout, l => l.StartsWith("internet=", StringComparison.Ordinal) && l != "internet=0");
        Assert.Contains(run.Stderr, l => l.Contains("Network is unreachable", StringComparison.Ordinal));
        Assert.False(listener.Pending(), "the sandbox reached a listener on the host");
    }

    [DockerFact]
    public async Task TheRootIsReadOnlyAndTmpIsWritableButNotExecutable()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();

        var run = await RunAsync(executor, Shell(
            "echo x > /probe; echo \"root=$?\"; echo kept > /tmp/probe && cat /tmp/probe; cp /bin/busybox /tmp/bb && /tmp/bb true; echo \"exec=$?\""),
            deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        Assert.Contains(run.Stdout, l => l.StartsWith("root=", StringComparison.Ordinal) && l != "root=0");
        Assert.Contains("kept", run.Stdout);
        Assert.Contains(run.Stdout, l => l.StartsWith("exec=", StringComparison.Ordinal) && l != "exec=0");
        Assert.Contains(run.Stderr, l => l.Contains("Read-only file system", StringComparison.Ordinal));
        Assert.Contains(run.Stderr, l => l.Contains("Permission denied", StringComparison.Ordinal));
    }

    [DockerFact]
    public async Task ProcessCreationStopsAtThePidsLimit()
    {
        using var deadline = Deadline();
        const int limit = 32;
        await using var executor = DockerExecutor(o => o.Docker.PidsLimit = limit);

        // Each background sleep is one more process; echo is a builtin and prints how many exist.
        var spec = Shell("i=0; while [ $i -lt 500 ]; do sleep 60 & i=$((i+1)); echo $i; done") with { Timeout = TimeSpan.FromSeconds(60) };
        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(RunOutcome.Failed, run.Result.Outcome);
        var spawned = run.Stdout.Select(int.Parse).DefaultIfEmpty(0).Max();
        Assert.InRange(spawned, 1, limit - 1);
        Assert.Contains(run.Stderr, l => l.Contains("can't fork", StringComparison.Ordinal));
        await DockerExecutorTests.AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    public async Task AForkBombIsContainedAndTheHostCarriesOn()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor(o => o.Docker.PidsLimit = 32);

        var bomb = Shell("bomb() { bomb | bomb & }; bomb; sleep 30") with { Timeout = TimeSpan.FromSeconds(5) };
        var run = await RunAsync(executor, bomb, deadline.Token);
        var after = await RunAsync(executor, Spec("echo", "still fine"), deadline.Token);

        Assert.Contains(run.Result.Outcome, (RunOutcome[])[RunOutcome.Failed, RunOutcome.TimedOut]);
        await DockerExecutorTests.AssertGoneAsync(bomb.RunId, deadline.Token);
        Assert.Equal(RunOutcome.Succeeded, after.Result.Outcome);
        Assert.Equal(["still fine"], after.Stdout);
    }

    [DockerFact]
    public async Task AMemoryHogIsKilledWithAReadableReason()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor(o => o.Docker.MemoryBytes = 16L * 1024 * 1024);

        // A 64 MiB shell variable cannot fit in 16 MiB.
        var spec = Shell("x=$(head -c 67108864 /dev/zero | tr '\\0' a); echo ${#x}") with { Timeout = TimeSpan.FromSeconds(60) };
        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.True(run.Result.Outcome == RunOutcome.Failed, run.ToString());
        Assert.Equal("killed: out of memory (limit 16 MiB)", run.Result.Error);
        Assert.DoesNotContain("67108864", run.Stdout);
        await DockerExecutorTests.AssertGoneAsync(spec.RunId, deadline.Token);
    }

    [DockerFact]
    [SupportedOSPlatform("linux")]
    public async Task TheSilosFilesAreNotVisible()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        using var silo = await SiloSecretStandIn.CreateAsync(deadline.Token);

        var run = await RunAsync(executor, Shell(
            $"cat {silo.SecretFile}; echo \"secret=$?\"; for p in {silo.DataDirectory} /root/.bash_history /home /work /var/run/docker.sock; do test -e \"$p\" && echo \"visible $p\"; done"),
            deadline.Token);

        Assert.DoesNotContain(run.Lines, l => l.Text.Contains(SiloSecretStandIn.Marker, StringComparison.Ordinal));
        Assert.Contains(run.Stdout, l => l.StartsWith("secret=", StringComparison.Ordinal) && l != "secret=0");
        Assert.DoesNotContain(run.Stdout, l => l.StartsWith("visible ", StringComparison.Ordinal));
    }

    [DockerFact]
    public async Task TheHostsLoopbackIsUnreachable()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        using var listener = new HostLoopbackListener();

        var run = await RunAsync(executor, Shell(
            $"nc -w 3 127.0.0.1 {listener.Port} </dev/null; echo \"nc=$?\"; wget -q -T 3 -O- http://127.0.0.1:{listener.Port}/; echo \"wget=$?\""),
            deadline.Token);

        Assert.Contains(run.Stdout, l => l.StartsWith("nc=", StringComparison.Ordinal) && l != "nc=0");
        Assert.Contains(run.Stdout, l => l.StartsWith("wget=", StringComparison.Ordinal) && l != "wget=0");
        listener.AssertNotReached("the container");
    }

    [DockerFact]
    public async Task AFileLargerThanTheWritableSpaceFails()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor(o => o.Docker.TmpfsBytes = 1024 * 1024);

        var run = await RunAsync(executor, Shell("head -c 2097152 /dev/zero > /tmp/big; echo \"rc=$?\"; wc -c < /tmp/big"), deadline.Token);

        Assert.Contains(run.Stdout, l => l.StartsWith("rc=", StringComparison.Ordinal) && l != "rc=0");
        Assert.True(long.Parse(run.Stdout.Last().Trim(), System.Globalization.CultureInfo.InvariantCulture) <= 1024 * 1024, run.ToString());
        Assert.Contains(run.Stderr, l => l.StartsWith("head: ", StringComparison.Ordinal)); // busybox says "I/O error" for ENOSPC
    }

    [DockerFact]
    public async Task ASetsidChildDoesNotOutliveTheRun()
    {
        using var deadline = Deadline();
        await using var executor = DockerExecutor();
        var marker = "ohmarker-" + Guid.NewGuid().ToString("N");

        // The child leaves the session and the process group; the run waits until it is up, then ends.
        var spec = Shell($"busybox setsid sh -c 'echo up > /tmp/up; sleep 3000; true' {marker} & while [ ! -e /tmp/up ]; do sleep 0.05; done; echo started");
        var run = await RunAsync(executor, spec, deadline.Token);

        Assert.Equal(["started"], run.Stdout);
        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        Assert.Empty(await ProcessScan.WaitUntilGoneAsync(marker, deadline.Token));
        await DockerExecutorTests.AssertGoneAsync(spec.RunId, deadline.Token);
    }

    // An address of this machine that is not loopback, so "unreachable" means no network at all.
    private static IPAddress HostAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Parse("192.0.2.1");
}
