using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Output;

namespace OrleansHub.Execution.Local;

/// <summary>
/// The fallback when no Docker engine is configured: runs the argv directly (no shell) through
/// <c>setsid</c>, so the run is its own process group and cancel, timeout and the end of the run
/// SIGKILL the whole group; in a fresh private working directory per run that is removed
/// afterwards; with only the environment it is given. It is not a sandbox: the command runs as
/// the silo's user with the silo's network and file access. Linux only.
/// </summary>
public sealed partial class LocalProcessExecutor : ITaskExecutor, IAsyncDisposable
{
    private const int ReadBufferBytes = 16 * 1024;

    private readonly ExecutionOptions _options;
    private readonly ILogger<LocalProcessExecutor> _logger;
    private readonly TimeProvider _clock;
    private readonly ActiveRuns _runs = new();

    public LocalProcessExecutor(IOptions<ExecutionOptions> options, ILogger<LocalProcessExecutor> logger, TimeProvider clock)
    {
        _options = options.Value;
        _logger = logger;
        _clock = clock;
        WorkRoot = _options.Local.WorkRoot ?? Path.Combine(Path.GetTempPath(), "orleanshub-runs");
    }

    public string Name => "local";

    /// <summary>Where per-run working directories are made.</summary>
    public string WorkRoot { get; }

    public Task<IRunHandle> StartAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        var run = RunSpecValidator.Resolve(spec, _options);
        var handle = new RunHandle(run.RunId, new OutputCollector(run.OutputCapBytes, _options.MaxLineBytes, _options.OutputBufferLines, _clock), _clock);
        return _runs.StartAsync(handle, h => ExecuteAsync(run, h, cancellationToken), _clock);
    }

    public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken) => _runs.CancelAsync(runId, cancellationToken);

    /// <summary>Only runs of this process are known; anything else is reported <see cref="RunState.Gone"/>.</summary>
    public Task<RunProbe> FindAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_runs.Find(runId) is null ? RunProbe.Gone(runId) : new RunProbe(runId, RunState.Running, null));
    }

    /// <summary>Never possible: a process's pipes die with the silo that started it. Always null.</summary>
    public Task<IRunHandle?> ReattachAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IRunHandle?>(null);
    }

    /// <summary>Stops a run of this process; anything else is reported <see cref="RunState.Gone"/>.</summary>
    public async Task<RunProbe> ReapAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        if (_runs.Find(runId) is not { } handle)
        {
            return RunProbe.Gone(runId);
        }

        handle.Cancel();
        await handle.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new RunProbe(runId, RunState.Running, null);
    }

    public ValueTask DisposeAsync() => new(_runs.StopAllAsync(StopReason.Shutdown));

    private async Task<RunResult> ExecuteAsync(ResolvedRun run, RunHandle handle, CancellationToken startToken)
    {
        string? workDirectory = null;
        Process? process = null;
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                return RunResults.NotStarted(handle, "the local executor needs Linux (setsid and process groups)", _clock.GetUtcNow());
            }

            if (startToken.IsCancellationRequested || handle.StopToken.IsCancellationRequested)
            {
                handle.TryStop(StopReason.Cancelled);
                return RunResults.NotStarted(handle, "cancelled before it started", _clock.GetUtcNow());
            }

            workDirectory = CreateWorkDirectory(run.RunId);
            try
            {
                process = Process.Start(StartInfo(run, workDirectory)) ?? throw new Win32Exception("no process was started");
            }
            catch (Win32Exception ex)
            {
                return RunResults.NotStarted(handle, "could not start the process: " + ex.Message, _clock.GetUtcNow());
            }

            handle.MarkStarted(_clock.GetUtcNow());
            process.StandardInput.Close();
            LogStarted(run.RunId, process.Id, workDirectory);
            return await FollowAsync(handle, process, run.Timeout).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            return RunResults.NotStarted(handle, "could not prepare the run: " + ex.Message, _clock.GetUtcNow());
        }
        catch (UnauthorizedAccessException ex)
        {
            return RunResults.NotStarted(handle, "could not prepare the run: " + ex.Message, _clock.GetUtcNow());
        }
        finally
        {
            process?.Dispose();
            if (workDirectory is not null && OperatingSystem.IsLinux())
            {
                DeleteWorkDirectory(run.RunId, workDirectory);
            }

            handle.Collector.Complete();
            _runs.Remove(handle);
        }
    }

    private async Task<RunResult> FollowAsync(RunHandle handle, Process process, TimeSpan timeout)
    {
        var leader = process.Id;
        using var pumping = CancellationTokenSource.CreateLinkedTokenSource(handle.AbandonToken);
        var pumps = Task.WhenAll(
            PumpAsync(handle, process.StandardOutput.BaseStream, OutputStream.Stdout, pumping.Token),
            PumpAsync(handle, process.StandardError.BaseStream, OutputStream.Stderr, pumping.Token));

        using var timer = new CancellationTokenSource(timeout, _clock);
        using var onTimeout = timer.Token.Register(static h => ((RunHandle)h!).TryStop(StopReason.TimedOut), handle);
        try
        {
            await process.WaitForExitAsync(handle.StopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (handle.StopToken.IsCancellationRequested)
        {
            LogStopping(handle.RunId, handle.StopReason);
            ProcessGroup.Kill(leader);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // Whatever the command left running in its group ends with it.
        ProcessGroup.Kill(leader);

        try
        {
            await pumps.WaitAsync(_options.OutputDrainTimeout, _clock, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Something left the group (setsid of its own) and still holds the pipes.
            handle.Collector.MarkIncomplete();
            await pumping.CancelAsync().ConfigureAwait(false);
            await pumps.ConfigureAwait(false);
        }

        var result = RunResults.FromExit(handle, process.ExitCode, timeout, _clock.GetUtcNow());
        LogFinished(handle.RunId, result.Outcome, result.ExitCode);
        return result;
    }

    private static async Task PumpAsync(RunHandle handle, Stream stream, OutputStream target, CancellationToken cancellationToken)
    {
        var buffer = new byte[ReadBufferBytes];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await handle.Collector.WriteAsync(target, buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            await handle.Collector.FlushAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Abandoned by the reader or given up after the drain timeout.
        }
    }

    private ProcessStartInfo StartInfo(ResolvedRun run, string workDirectory)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("--");
        foreach (var argument in run.Spec.Command)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Only what the run is given: none of the silo's environment (connection strings, keys).
        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = _options.Local.Path;
        startInfo.Environment["HOME"] = workDirectory;
        startInfo.Environment["TMPDIR"] = workDirectory;
        foreach (var (name, value) in run.Spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }

    [SupportedOSPlatform("linux")]
    private string CreateWorkDirectory(string runId)
    {
        Directory.CreateDirectory(WorkRoot);
        var path = Path.Combine(WorkRoot, runId + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    // A run may leave directories it made unwritable; make them writable and try again.
    [SupportedOSPlatform("linux")]
    private void DeleteWorkDirectory(string runId, string path)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt == 1)
                {
                    LogDeleteFailed(runId, path, ex.Message);
                    return;
                }

                MakeWritable(path);
            }
        }
    }

    [SupportedOSPlatform("linux")]
    private static void MakeWritable(string path)
    {
        try
        {
            var all = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            File.SetUnixFileMode(path, all);
            foreach (var directory in Directory.EnumerateDirectories(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false }))
            {
                File.SetUnixFileMode(directory, all);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The second delete attempt reports what is left.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} started as process group {ProcessGroup} in {WorkDirectory}")]
    private partial void LogStarted(string runId, int processGroup, string workDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} finished: {Outcome}, exit code {ExitCode}")]
    private partial void LogFinished(string runId, RunOutcome outcome, int? exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping run {RunId}: {Reason}")]
    private partial void LogStopping(string runId, StopReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The working directory {WorkDirectory} of run {RunId} could not be removed: {Error}")]
    private partial void LogDeleteFailed(string runId, string workDirectory, string error);
}
