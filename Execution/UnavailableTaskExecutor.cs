using OrleansHub.Execution.Output;

namespace OrleansHub.Execution;

/// <summary>
/// Chosen when no sandbox can run tasks on this node (no Docker engine and no working bubblewrap,
/// or <c>Execution:Mode=Sandbox</c> with a sandbox that failed its probe). It never runs anything:
/// <see cref="WhyUnavailableAsync"/> lets the task API answer 503 before a task is stored, and a
/// run that still arrives fails with the reason. No run can exist here, so the probes find none.
/// </summary>
internal sealed class UnavailableTaskExecutor(string reason, ExecutionOptions options, TimeProvider clock) : ITaskExecutor
{
    /// <summary>What an operator can do about it; the text of the 503's log line and of a failed run.</summary>
    public const string Remedy =
        "install Docker (tasks then run in containers) or bubblewrap (apt-get install bubblewrap), "
        + "or set Execution__Mode=UnsafeLocal on a development machine (tasks then run unsandboxed as the silo's user)";

    public string Name => "unavailable";

    public string Reason { get; } = reason;

    public Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken) =>
        Task.FromResult<string?>("no sandbox is available (" + Reason + "); " + Remedy);

    public Task<IRunHandle> StartAsync(RunSpec spec, CancellationToken cancellationToken)
    {
        var run = RunSpecValidator.Resolve(spec, options);
        var handle = new RunHandle(run.RunId, new OutputCollector(run.OutputCapBytes, options.MaxLineBytes, options.OutputBufferLines, clock), clock);
        handle.Run(h =>
        {
            h.Collector.Complete();
            return Task.FromResult(RunResults.NotStarted(h, "no sandbox is available on this node to run tasks", clock.GetUtcNow()));
        });
        return Task.FromResult<IRunHandle>(handle);
    }

    public Task<bool> CancelAsync(string runId, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<RunProbe> FindAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        return Task.FromResult(RunProbe.Gone(runId));
    }

    public Task<IRunHandle?> ReattachAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        return Task.FromResult<IRunHandle?>(null);
    }

    public Task<RunProbe> ReapAsync(string runId, CancellationToken cancellationToken)
    {
        RunSpecValidator.ThrowIfInvalidRunId(runId, nameof(runId));
        return Task.FromResult(RunProbe.Gone(runId));
    }
}
