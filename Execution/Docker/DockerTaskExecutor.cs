using System.Globalization;
using System.Net;
using Docker.DotNet;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Output;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// Runs each command in its own hardened container (see <see cref="DockerContainerSpec"/>) on the
/// engine at <c>Execution:Docker:Socket</c>, through Docker.DotNet (<see cref="DockerEngine"/>):
/// create, attach, start, wait; SIGKILL on cancel or timeout; always removed afterwards.
/// Containers carry the run id as a label, so a restarted silo can find, re-attach to or reap runs
/// of a silo that died.
/// </summary>
public sealed partial class DockerTaskExecutor : ITaskExecutor, IAsyncDisposable
{
    private readonly ExecutionOptions _options;
    private readonly ILogger<DockerTaskExecutor> _logger;
    private readonly TimeProvider _clock;
    private readonly DockerEngine _engine;
    private readonly ActiveRuns _runs = new();

    public DockerTaskExecutor(IOptions<ExecutionOptions> options, ILogger<DockerTaskExecutor> logger, TimeProvider clock)
    {
        _options = options.Value;
        _logger = logger;
        _clock = clock;
        _engine = new DockerEngine(_options.Docker);
    }

    public string Name => "docker";

    /// <summary>Always null: an engine that is down fails each run readably, and may come back.</summary>
    public Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Throws <see cref="TaskExecutorUnavailableException"/> unless the engine answers a ping.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _engine.PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DockerEngineException ex)
        {
            throw new TaskExecutorUnavailableException(ex.Message, ex);
        }
    }

    public Task<IRunHandle> StartAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        var run = RunSpecValidator.Resolve(spec, _options);
        return _runs.StartAsync(NewHandle(run.RunId, run.OutputCapBytes), h => ExecuteAsync(run, h, cancellationToken), _clock);
    }

    public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken) => _runs.CancelAsync(runId, cancellationToken);

    public async Task<RunProbe> FindAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        if (_runs.Find(runId) is not null)
        {
            return new RunProbe(runId, RunState.Running, null);
        }

        return await AskEngineAsync(async () =>
        {
            var containers = await _engine.ListContainersAsync(DockerContainerSpec.RunLabel, runId, cancellationToken).ConfigureAwait(false);
            return await ProbeAsync(runId, containers, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public async Task<IRunHandle?> ReattachAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        if (_runs.Find(runId) is not null)
        {
            // Already followed by this executor: its handle is the one to use.
            return null;
        }

        var details = await AskEngineAsync(async () =>
        {
            var containers = await _engine.ListContainersAsync(DockerContainerSpec.RunLabel, runId, cancellationToken).ConfigureAwait(false);
            var chosen = containers.FirstOrDefault(c => c.State == "running") ?? containers.FirstOrDefault();
            foreach (var extra in containers.Where(c => c != chosen))
            {
                await RemoveAsync(runId, extra.Id).ConfigureAwait(false);
            }

            return chosen is null ? null : await _engine.InspectContainerAsync(chosen.Id, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);

        if (details is null)
        {
            return null;
        }

        if (!details.Running && details.Status == "created")
        {
            // Created but never started: the silo died in between. Nothing ran; nothing to follow.
            await RemoveAsync(runId, details.Id).ConfigureAwait(false);
            return null;
        }

        var (deadline, timeout, cap) = ReadRunLabels(details);
        var handle = NewHandle(runId, cap);
        if (!_runs.TryAdd(handle))
        {
            return null;
        }

        handle.Run(h => ReattachedAsync(h, details, deadline, timeout));
        await handle.StartedOrEndedAsync().ConfigureAwait(false);
        return handle;
    }

    public async Task<RunProbe> ReapAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        if (_runs.Find(runId) is { } active)
        {
            active.Cancel();
            await active.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new RunProbe(runId, RunState.Running, null);
        }

        return await AskEngineAsync(async () =>
        {
            var containers = await _engine.ListContainersAsync(DockerContainerSpec.RunLabel, runId, cancellationToken).ConfigureAwait(false);
            var probe = await ProbeAsync(runId, containers, cancellationToken).ConfigureAwait(false);
            foreach (var container in containers)
            {
                await _engine.RemoveContainerAsync(container.Id, cancellationToken).ConfigureAwait(false);
                LogReaped(runId, Short(container.Id));
            }

            return probe;
        }).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _runs.StopAllAsync(StopReason.Shutdown).ConfigureAwait(false);
        _engine.Dispose();
    }

    private RunHandle NewHandle(string runId, long capBytes) =>
        new(runId, new OutputCollector(capBytes, _options.MaxLineBytes, _options.OutputBufferLines, _clock), _clock);

    private async Task<RunResult> ExecuteAsync(ResolvedRun run, RunHandle handle, CancellationToken startToken)
    {
        var image = run.Spec.Image ?? _options.Docker.DefaultImage;
        var deadline = _clock.GetUtcNow() + run.Timeout;
        string? containerId = null;
        MultiplexedStream? attach = null;
        try
        {
            using (var starting = CancellationTokenSource.CreateLinkedTokenSource(startToken, handle.StopToken))
            {
                containerId = await CreateAsync(run, image, deadline, starting.Token).ConfigureAwait(false);
                attach = await _engine.AttachAsync(containerId, starting.Token).ConfigureAwait(false);
                await _engine.StartContainerAsync(containerId, starting.Token).ConfigureAwait(false);
            }

            handle.MarkStarted(_clock.GetUtcNow());
            LogStarted(run.RunId, Short(containerId), image);
            return await FollowAsync(handle, containerId, attach, deadline, run.Timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (handle.StartedAt is null && (startToken.IsCancellationRequested || handle.StopToken.IsCancellationRequested))
        {
            handle.TryStop(StopReason.Cancelled);
            return RunResults.NotStarted(handle, "cancelled before it started", _clock.GetUtcNow());
        }
        catch (DockerEngineException ex)
        {
            LogEngineFailure(run.RunId, ex.Message);
            return handle.StartedAt is null
                ? RunResults.NotStarted(handle, ex.Message, _clock.GetUtcNow())
                : RunResults.FromExit(handle, null, run.Timeout, _clock.GetUtcNow(), "lost track of the run: " + ex.Message);
        }
        finally
        {
            await FinishAsync(handle, containerId, attach).ConfigureAwait(false);
        }
    }

    private async Task<RunResult> ReattachedAsync(RunHandle handle, ContainerDetails details, DateTimeOffset deadline, TimeSpan timeout)
    {
        MultiplexedStream? attach = null;
        try
        {
            if (!details.Running)
            {
                handle.MarkStarted(details.StartedAt ?? _clock.GetUtcNow());
                await handle.Collector.NoticeAsync("the run ended while no executor followed it; its output was lost", handle.AbandonToken).ConfigureAwait(false);
                return RunResults.FromExit(handle, details.ExitCode, timeout, _clock.GetUtcNow(), OomMessage(details));
            }

            attach = await _engine.AttachAsync(details.Id, handle.AbandonToken).ConfigureAwait(false);
            // Only now: output from here on is not missed.
            handle.MarkStarted(details.StartedAt ?? _clock.GetUtcNow());
            LogReattached(handle.RunId, Short(details.Id));
            await handle.Collector.NoticeAsync("re-attached after a restart; output written while detached was lost", handle.AbandonToken).ConfigureAwait(false);
            return await FollowAsync(handle, details.Id, attach, deadline, timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (handle.AbandonToken.IsCancellationRequested)
        {
            return RunResults.FromExit(handle, null, timeout, _clock.GetUtcNow());
        }
        catch (DockerEngineException ex)
        {
            LogEngineFailure(handle.RunId, ex.Message);
            return RunResults.FromExit(handle, null, timeout, _clock.GetUtcNow(), "lost track of the run: " + ex.Message);
        }
        finally
        {
            await FinishAsync(handle, details.Id, attach).ConfigureAwait(false);
        }
    }

    private async Task<string> CreateAsync(ResolvedRun run, string image, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var body = DockerContainerSpec.Build(run, image, _options.Docker, deadline);
        try
        {
            return await _engine.CreateContainerAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerEngineException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DockerEngineException(
                $"the image '{image}' is not available on the Docker engine (images are never pulled; build or load it first): {ex.Message}",
                ex.StatusCode, ex);
        }
        catch (DockerEngineException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            throw new DockerEngineException(
                $"a container for run {run.RunId} already exists (a previous attempt may still be running; reap it first)", ex.StatusCode, ex);
        }
    }

    private async Task FinishAsync(RunHandle handle, string? containerId, MultiplexedStream? attach)
    {
        attach?.Dispose();

        if (containerId is not null)
        {
            await RemoveAsync(handle.RunId, containerId).ConfigureAwait(false);
        }

        handle.Collector.Complete();
        _runs.Remove(handle);
    }

    private async Task RemoveAsync(string runId, string containerId)
    {
        try
        {
            await _engine.RemoveContainerAsync(containerId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerEngineException ex)
        {
            LogRemoveFailed(runId, Short(containerId), ex.Message);
        }
    }

    private async Task<RunProbe> ProbeAsync(string runId, IReadOnlyList<ContainerSummary> containers, CancellationToken cancellationToken)
    {
        if (containers.Count == 0)
        {
            return RunProbe.Gone(runId);
        }

        if (containers.Any(c => c.State == "running"))
        {
            return new RunProbe(runId, RunState.Running, null);
        }

        var details = await _engine.InspectContainerAsync(containers[0].Id, cancellationToken).ConfigureAwait(false);
        return details is null ? RunProbe.Gone(runId) : new RunProbe(runId, details.Running ? RunState.Running : RunState.Exited, details.Running ? null : details.ExitCode);
    }

    private async Task<T> AskEngineAsync<T>(Func<Task<T>> ask)
    {
        try
        {
            return await ask().ConfigureAwait(false);
        }
        catch (DockerEngineException ex)
        {
            throw new TaskExecutorUnavailableException(ex.Message, ex);
        }
    }

    // The labels are ours, but they come back through the engine: parse them defensively and keep
    // them within today's limits.
    private (DateTimeOffset Deadline, TimeSpan Timeout, long Cap) ReadRunLabels(ContainerDetails details)
    {
        var now = _clock.GetUtcNow();
        var timeout = details.Labels.TryGetValue(DockerContainerSpec.TimeoutLabel, out var t) && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (long)_options.MaxTimeout.TotalMilliseconds))
            : _options.DefaultTimeout;
        var deadline = details.Labels.TryGetValue(DockerContainerSpec.DeadlineLabel, out var d) && long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var unixMs)
                       && unixMs <= (now + _options.MaxTimeout).ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs)
            : (details.StartedAt ?? now) + timeout;
        var cap = details.Labels.TryGetValue(DockerContainerSpec.OutputCapLabel, out var c) && long.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? Math.Min(bytes, _options.MaxOutputBytes)
            : _options.MaxOutputBytes;
        return (deadline, timeout, cap);
    }

    private string? OomMessage(ContainerDetails details) =>
        details.OomKilled ? "killed: out of memory (limit " + RunResults.DescribeBytes(_options.Docker.MemoryBytes) + ")" : null;

    private static string Short(string containerId) => containerId.Length > 12 ? containerId[..12] : containerId;
}
