using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansHub.Execution.Local;
using OrleansHub.Execution.Tests.Support;
using static OrleansHub.Execution.Tests.ExecutionTestKit;

namespace OrleansHub.Execution.Tests;

/// <summary>
/// Work folders of runs cut off by a kill are removed when an executor starts; folders of live
/// processes and anything the executor did not make are left alone.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LeftoverWorkFolderTests : IDisposable
{
    private readonly string _workRoot = Directory.CreateTempSubdirectory("orleanshub-leftover-runs-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("orleanshub-leftover-outside-").FullName;
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        Directory.Delete(_workRoot, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public Task TheFirstLocalRunRemovesFoldersOfKilledProcessesOnly() =>
        TheFirstRunRemovesFoldersOfKilledProcessesOnlyAsync(workRoot => LocalExecutor(workRoot));

    [SandboxFact]
    public Task TheFirstSandboxRunRemovesFoldersOfKilledProcessesOnly() =>
        TheFirstRunRemovesFoldersOfKilledProcessesOnlyAsync(workRoot => SandboxExecutor(workRoot));

    [Fact]
    public async Task TheHostRemovesThemAtStartBeforeAnyRun()
    {
        using var deadline = Deadline();
        var layout = await LayOutAsync(deadline.Token);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Execution:Mode"] = "UnsafeLocal",
            ["Execution:Local:WorkRoot"] = _workRoot,
        });
        builder.Services.AddTaskExecution();
        using var host = builder.Build();

        Assert.True(Directory.Exists(layout.Killed));
        await host.StartAsync(deadline.Token);
        layout.AssertCleaned();
        await host.StopAsync(deadline.Token);
    }

    // The local and the sandbox executor share the clean-up (ProcessExecutor); both are held to it. The folders are
    // laid out before the executor exists, as after a silo's restart.
    private async Task TheFirstRunRemovesFoldersOfKilledProcessesOnlyAsync(Func<string, ProcessExecutor> createExecutor)
    {
        using var deadline = Deadline();
        var layout = await LayOutAsync(deadline.Token);
        await using var executor = createExecutor(_workRoot);

        var run = await RunAsync(executor, Spec("true"), deadline.Token);

        Assert.Equal(RunOutcome.Succeeded, run.Result.Outcome);
        layout.AssertCleaned();
    }

    // A folder made by a process that was then killed (kill -9), one by a process that still runs,
    // one in this process's name, and things that only look like run folders.
    private async Task<Layout> LayOutAsync(CancellationToken cancellationToken)
    {
        const string makeFolder = "st=$(cut -d' ' -f22 /proc/$$/stat); mkdir -p \"$1/ohrun-$$-$st-0123abcd-$2/sub/locked\"; "
                                  + "touch \"$1/ohrun-$$-$st-0123abcd-$2/sub/locked/file\"; chmod 500 \"$1/ohrun-$$-$st-0123abcd-$2/sub/locked\"; echo \"$1/ohrun-$$-$st-0123abcd-$2\"";
        var killed = await StartAsync(makeFolder + "; kill -9 $$", "killed-run", waitForExit: true, cancellationToken);
        var alive = await StartAsync(makeFolder + "; exec sleep 600", "live-run", waitForExit: false, cancellationToken);

        // A previous life of this very pid (a silo that is pid 1 in its container every time).
        var ownPidOtherStart = Path.Combine(_workRoot, $"ohrun-{Environment.ProcessId}-1-0123abcd-previous-life");
        Directory.CreateDirectory(ownPidOtherStart);

        var unrelated = Path.Combine(_workRoot, "not-a-run");
        Directory.CreateDirectory(unrelated);
        var lookalikeFile = Path.Combine(_workRoot, "ohrun-1-1-0123abcd-a-file");
        await File.WriteAllTextAsync(lookalikeFile, "keep", cancellationToken);
        var target = Path.Combine(_outside, "precious");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "data"), "keep", cancellationToken);
        var link = Path.Combine(_workRoot, "ohrun-2-1-0123abcd-a-link");
        Directory.CreateSymbolicLink(link, target);

        return new Layout(killed, alive, ownPidOtherStart, [unrelated, lookalikeFile, link, Path.Combine(target, "data")]);
    }

    private async Task<string> StartAsync(string script, string runId, bool waitForExit, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-c", script, "maker", _workRoot, runId])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo)!;
        _processes.Add(process);
        var folder = (await process.StandardOutput.ReadLineAsync(cancellationToken))!;
        if (waitForExit)
        {
            await process.WaitForExitAsync(cancellationToken);
            Assert.Equal(137, process.ExitCode);
        }

        Assert.True(Directory.Exists(folder), folder);
        return folder;
    }

    private sealed record Layout(string Killed, string Alive, string OwnPidOtherStart, string[] Kept)
    {
        public void AssertCleaned()
        {
            Assert.False(Directory.Exists(Killed), "the folder of the killed process is still there");
            Assert.False(Directory.Exists(OwnPidOtherStart), "the folder of an earlier process with this pid is still there");
            Assert.True(Directory.Exists(Alive), "the folder of a live process was removed");
            foreach (var path in Kept)
            {
                Assert.True(Path.Exists(path), path + " was removed");
            }
        }
    }
}
