using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Docker;
using OrleansHub.Execution.Local;
using OrleansHub.Execution.Sandbox;

namespace OrleansHub.Execution;

/// <summary>
/// The registered <see cref="ITaskExecutor"/>: decides once which executor runs tasks
/// (<see cref="ExecutionOptions.Mode"/>; in auto mode Docker if its engine answers a ping, else the
/// local bubblewrap sandbox if it passes its probe, else none: <see cref="UnavailableTaskExecutor"/>)
/// and forwards every call to it. Tasks never run unsandboxed unless an operator names
/// <see cref="ExecutionMode.UnsafeLocal"/>. <see cref="ExecutorSelectionService"/> makes the decision
/// at host start so it is logged before the first task; without a host it is made on first use.
/// </summary>
public sealed partial class SelectingTaskExecutor(
    IOptions<ExecutionOptions> options,
    DockerTaskExecutor docker,
    BubblewrapExecutor sandbox,
    LocalProcessExecutor unsafeLocal,
    TimeProvider clock,
    ILogger<SelectingTaskExecutor> logger) : ITaskExecutor, IDisposable
{
    /// <summary>How long auto mode waits for the engine's ping before trying the local sandbox.</summary>
    public static readonly TimeSpan AutoPingTimeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITaskExecutor? _selected;

    public string Name => _selected?.Name ?? "undecided";

    /// <summary>The executor in use, deciding now if that was not done yet.</summary>
    public async Task<ITaskExecutor> SelectAsync(CancellationToken cancellationToken)
    {
        if (_selected is { } selected)
        {
            return selected;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _selected ??= await DecideAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken) =>
        await (await SelectAsync(cancellationToken).ConfigureAwait(false)).WhyUnavailableAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IRunHandle> StartAsync(RunSpec spec, CancellationToken cancellationToken) =>
        await (await SelectAsync(cancellationToken).ConfigureAwait(false)).StartAsync(spec, cancellationToken).ConfigureAwait(false);

    public async Task<bool> CancelAsync(string runId, CancellationToken cancellationToken) =>
        await (await SelectAsync(cancellationToken).ConfigureAwait(false)).CancelAsync(runId, cancellationToken).ConfigureAwait(false);

    public async Task<RunProbe> FindAsync(string runId, CancellationToken cancellationToken) =>
        await (await SelectAsync(cancellationToken).ConfigureAwait(false)).FindAsync(runId, cancellationToken).ConfigureAwait(false);

    public async Task<IRunHandle?> ReattachAsync(string runId, CancellationToken cancellationToken) =>
        await (await SelectAsync(cancellationToken).ConfigureAwait(false)).ReattachAsync(runId, cancellationToken).ConfigureAwait(false);

    public async Task<RunProbe> ReapAsync(string runId, CancellationToken cancellationToken) =>
        await (await SelectAsync(cancellationToken).ConfigureAwait(false)).ReapAsync(runId, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _gate.Dispose();

    private async Task<ITaskExecutor> DecideAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var socket = settings.Docker.Socket;
        switch (settings.Mode)
        {
            case ExecutionMode.UnsafeLocal:
                LogUnsafe();
                unsafeLocal.RemoveLeftoverWorkFolders();
                return unsafeLocal;

            case ExecutionMode.Docker:
                var reachable = await PingAsync(cancellationToken).ConfigureAwait(false);
                if (reachable is not null)
                {
                    LogEngineDown(socket, reachable);
                }

                LogSelected(docker.Name, "Execution:Mode is Docker");
                return docker;

            case ExecutionMode.Sandbox:
                var probe = await sandbox.ProbeAsync(cancellationToken).ConfigureAwait(false);
                if (probe is null)
                {
                    LogSelected(sandbox.Name, "Execution:Mode is Sandbox");
                    return sandbox;
                }

                LogNoSandbox("Execution:Mode is Sandbox and the bubblewrap sandbox does not work: " + probe, UnavailableTaskExecutor.Remedy);
                return new UnavailableTaskExecutor("the bubblewrap sandbox does not work: " + probe, settings, clock);

            default:
                var failure = await PingAsync(cancellationToken).ConfigureAwait(false);
                if (failure is null)
                {
                    LogSelected(docker.Name, "the Docker engine at " + socket + " answered");
                    return docker;
                }

                var sandboxFailure = await sandbox.ProbeAsync(cancellationToken).ConfigureAwait(false);
                if (sandboxFailure is null)
                {
                    LogAutoChoseSandbox(socket, failure);
                    return sandbox;
                }

                var reason = "no Docker engine answered at " + socket + " (" + failure + ") and the local bubblewrap sandbox does not work (" + sandboxFailure + ")";
                LogNoSandbox(reason, UnavailableTaskExecutor.Remedy + "; or point Execution__Docker__Socket at a running engine");
                return new UnavailableTaskExecutor(reason, settings, clock);
        }
    }

    // Null when the engine answered, else why not.
    private async Task<string?> PingAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(AutoPingTimeout);
        try
        {
            await docker.PingAsync(limit.Token).ConfigureAwait(false);
            return null;
        }
        catch (TaskExecutorUnavailableException ex)
        {
            // The log line names the socket already; keep only the cause ("Connection refused").
            var prefix = "the Docker engine at " + options.Value.Docker.Socket + " is unreachable: ";
            return ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer within " + RunResults.Describe(AutoPingTimeout);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tasks run on the {Executor} executor: {Reason}")]
    private partial void LogSelected(string executor, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Docker engine at {Socket} does not answer ({Error}); tasks fail until it does")]
    private partial void LogEngineDown(string socket, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tasks run in the local bubblewrap sandbox because no Docker engine answered at {Socket} ({Error}). "
        + "To run them in Docker containers instead, start an engine there or set Execution__Docker__Socket to its socket; to skip this check, set Execution__Mode=Sandbox")]
    private partial void LogAutoChoseSandbox(string socket, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tasks cannot run on this node, creating one answers 503 SANDBOX_UNAVAILABLE: {Reason}. To fix: {Remedy}")]
    private partial void LogNoSandbox(string reason, string remedy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution:Mode is UnsafeLocal: tasks run UNSANDBOXED as the silo's user, with its files, "
        + "its database and its network. Any user who can create a task controls this machine. Use it on a development machine only")]
    private partial void LogUnsafe();
}
