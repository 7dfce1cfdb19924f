using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansHub.Execution.Output;

namespace OrleansHub.Execution.Local;

/// <summary>
/// What the executors that start a host process per run share: the process is started through
/// <c>setsid</c>, so the run is its own process group and cancel, timeout and the end of the run
/// SIGKILL the whole group; it gets a fresh private work folder (<see cref="RunFolders"/>) that is
/// removed afterwards, and only the environment it is given. How the command is wrapped (nothing,
/// or a bubblewrap sandbox) is the subclass's <see cref="StartInfo"/>. Linux only.
/// </summary>
public abstract partial class ProcessExecutor : ITaskExecutor, IAsyncDisposable
{
    private const int ReadBufferBytes = 16 * 1024;

    private readonly ExecutionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly ActiveRuns _runs = new();
    private int _cleanedUp;

    private protected ProcessExecutor(ExecutionOptions options, string workRoot, ILogger logger, TimeProvider clock)
    {
        _options = options;
        _logger = logger;
        _clock = clock;
        Folders = new RunFolders(workRoot);
    }

    public abstract string Name { get; }

    /// <summary>Where per-run work folders are made.</summary>
    public string WorkRoot => Folders.Root;

    private protected RunFolders Folders { get; }

    private protected ExecutionOptions Options => _options;

    public Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>
    /// Removes the work folders that runs of killed processes left behind (only folders this kind of
    /// executor names, of processes that no longer exist; see <see cref="RunFolders"/>). Done once,
    /// at the latest before the first run; returns how many were removed.
    /// </summary>
    public int RemoveLeftoverWorkFolders()
    {
        if (Interlocked.Exchange(ref _cleanedUp, 1) != 0 || !OperatingSystem.IsLinux())
        {
            return 0;
        }

        int removed;
        List<(string Path, string Error)> failures;
        try
        {
            removed = Folders.RemoveLeftovers(out failures);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Never a reason to fail a start: the next silo start tries again.
            LogDeleteFailed("(left over)", Folders.Root, ex.Message);
            return 0;
        }

        foreach (var (path, error) in failures)
        {
            LogDeleteFailed("(left over)", path, error);
        }

        if (removed > 0)
        {
            LogLeftoversRemoved(removed, Folders.Root);
        }

        return removed;
    }

    public Task<IRunHandle> StartAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        var run = RunSpecValidator.Resolve(spec, _options);
        RemoveLeftoverWorkFolders();
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

            workDirectory = Folders.Create(run.RunId);
            PrepareWorkDirectory(workDirectory);
            try
            {
                process = await ProcessLauncher.StartAsync(StartInfo(run, workDirectory));
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
                if (RunFolders.Delete(workDirectory) is { } error)
                {
                    LogDeleteFailed(run.RunId, workDirectory, error);
                }
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

        var result = RunResults.FromExit(handle, process.ExitCode, timeout, _clock.GetUtcNow(), ExplainExit(process.ExitCode));
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

    /// <summary>How the run's process is started: argv, working directory and environment.</summary>
    private protected abstract ProcessStartInfo StartInfo(ResolvedRun run, string workDirectory);

    /// <summary>Makes a fresh work folder usable by the run (e.g. hands it to the sandbox's user).</summary>
    private protected virtual void PrepareWorkDirectory(string workDirectory)
    {
    }

    /// <summary>A readable reason for a non-zero exit code the wrapper gives a meaning to, else null.</summary>
    private protected virtual string? ExplainExit(int exitCode) => null;

    /// <summary>A start that redirects all three streams and passes nothing of the silo's environment.</summary>
    private protected static ProcessStartInfo Redirected(string fileName, string workingDirectory)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only what the run is given: none of the silo's environment (connection strings, keys).
        startInfo.Environment.Clear();
        return startInfo;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} started as process group {ProcessGroup} in {WorkDirectory}")]
    private partial void LogStarted(string runId, int processGroup, string workDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} finished: {Outcome}, exit code {ExitCode}")]
    private partial void LogFinished(string runId, RunOutcome outcome, int? exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping run {RunId}: {Reason}")]
    private partial void LogStopping(string runId, StopReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The working directory {WorkDirectory} of run {RunId} could not be removed: {Error}")]
    private partial void LogDeleteFailed(string runId, string workDirectory, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} work folders of runs cut off by a killed silo under {WorkRoot}")]
    private partial void LogLeftoversRemoved(int count, string workRoot);
}
