using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Docker;
using OrleansHub.Execution.Local;

namespace OrleansHub.Execution;

/// <summary>
/// The registered <see cref="ITaskExecutor"/>: decides once which executor runs tasks
/// (<see cref="ExecutionOptions.Mode"/>; in auto mode Docker if its engine answers a ping, else
/// local) and forwards every call to it. <see cref="ExecutorSelectionService"/> makes the decision
/// at host start so it is logged before the first task; without a host it is made on first use.
/// </summary>
public sealed partial class SelectingTaskExecutor(
    IOptions<ExecutionOptions> options,
    DockerTaskExecutor docker,
    LocalProcessExecutor local,
    ILogger<SelectingTaskExecutor> logger) : ITaskExecutor, IDisposable
{
    /// <summary>How long auto mode waits for the engine's ping before choosing local.</summary>
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
        switch (settings.Mode)
        {
            case ExecutionMode.Local:
                LogSelected(local.Name, "Execution:Mode is local");
                return local;

            case ExecutionMode.Docker:
                var reachable = await PingAsync(cancellationToken).ConfigureAwait(false);
                if (reachable is not null)
                {
                    LogEngineDown(settings.Docker.Socket, reachable);
                }

                LogSelected(docker.Name, "Execution:Mode is docker");
                return docker;

            default:
                var failure = await PingAsync(cancellationToken).ConfigureAwait(false);
                if (failure is null)
                {
                    LogSelected(docker.Name, "the Docker engine at " + settings.Docker.Socket + " answered");
                    return docker;
                }

                LogSelected(local.Name, "no Docker engine answered at " + settings.Docker.Socket + " (" + failure + ")");
                return local;
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
            return ex.Message;
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
}
