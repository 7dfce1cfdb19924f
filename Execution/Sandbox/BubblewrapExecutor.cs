using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Local;

namespace OrleansHub.Execution.Sandbox;

/// <summary>
/// <c>Execution:Mode=Sandbox</c>, and auto mode without Docker: each run in a bubblewrap sandbox
/// (<see cref="BubblewrapCommand"/>) as an unprivileged user with no network, none of the host's
/// files but /usr and a few /etc files (read-only), its own folder at <c>/work</c>, and rlimits on
/// address space, processes, CPU time, file size and open files. The run is the only process tree
/// in its pid namespace: when it ends, or bwrap is killed (cancel, timeout, shutdown), the kernel
/// kills everything left in it, <c>setsid</c> children included. Linux only.
/// </summary>
public sealed partial class BubblewrapExecutor(IOptions<ExecutionOptions> options, ILogger<BubblewrapExecutor> logger, TimeProvider clock)
    : ProcessExecutor(options.Value, options.Value.Sandbox.WorkRoot ?? Path.Combine(Path.GetTempPath(), "orleanshub-sandbox"), logger, clock)
{
    private const int KilledByCpuLimit = 128 + 24;   // SIGXCPU
    private const int KilledByFileSizeLimit = 128 + 25; // SIGXFSZ

    private SandboxExecutionOptions Sandbox => Options.Sandbox;

    public override string Name => "sandbox";

    /// <summary>
    /// Runs <c>true</c> in the sandbox, as every run would be started. Null when it worked, else why
    /// not (bwrap missing, user namespaces disabled, a limit too small to start a process).
    /// </summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the local sandbox needs Linux";
        }

        if (!File.Exists(Sandbox.BwrapPath))
        {
            return "bubblewrap is not installed at " + Sandbox.BwrapPath;
        }

        RemoveLeftoverWorkFolders();
        var folder = Folders.Create("probe");
        try
        {
            PrepareWorkDirectory(folder);
            var startInfo = BubblewrapCommand.Build(Redirected("setsid", folder), Sandbox, Environment.IsPrivilegedProcess, folder, ["true"], []);
            using var process = await ProcessLauncher.StartAsync(startInfo);
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(Sandbox.ProbeTimeout);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ProcessGroup.Kill(process.Id);
                return "the sandbox did not start within " + RunResults.Describe(Sandbox.ProbeTimeout);
            }

            var error = (await stderr.ConfigureAwait(false)).Trim();
            return process.ExitCode == 0
                ? null
                : "a probe run exited with code " + process.ExitCode + (error.Length > 0 ? ": " + FirstLine(error) : "");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return "could not start the sandbox: " + ex.Message;
        }
        finally
        {
            RunFolders.Delete(folder);
        }
    }

    private protected override ProcessStartInfo StartInfo(ResolvedRun run, string workDirectory) =>
        BubblewrapCommand.Build(Redirected("setsid", workDirectory), Sandbox, Environment.IsPrivilegedProcess, workDirectory,
            run.Spec.Command, run.Spec.Environment);

    // As root the sandbox runs as the configured host user, which must own its folder (0700) and
    // pass through the work root (0711: it may enter, never list the other runs' folders).
    private protected override void PrepareWorkDirectory(string workDirectory)
    {
        if (!Environment.IsPrivilegedProcess || !OperatingSystem.IsLinux())
        {
            return;
        }

        File.SetUnixFileMode(WorkRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var (uid, gid) = BubblewrapCommand.ParseUser(Sandbox.User);
        if (NativeMethods.chown(workDirectory, uint.Parse(uid, System.Globalization.CultureInfo.InvariantCulture),
                uint.Parse(gid, System.Globalization.CultureInfo.InvariantCulture)) != 0)
        {
            throw new IOException("could not hand the work folder to the sandbox user (errno " + Marshal.GetLastPInvokeError() + ")");
        }
    }

    private protected override string? ExplainExit(int exitCode) => exitCode switch
    {
        KilledByCpuLimit => "killed: CPU time limit (" + Sandbox.CpuSeconds + " s)",
        KilledByFileSizeLimit => "killed: file size limit (" + RunResults.DescribeBytes(Sandbox.FileSizeBytes) + ")",
        _ => null,
    };

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length > 300 ? line[..300] : line;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int chown(string path, uint owner, uint group);
    }
}
