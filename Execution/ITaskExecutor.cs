namespace OrleansHub.Execution;

/// <summary>
/// Runs task commands in a sandbox and reports their output and result. See docs/execution.md.
/// </summary>
/// <remarks>
/// Nothing here throws for a run that goes wrong (engine down, image missing, command not found,
/// malformed engine answers): that is a <see cref="RunOutcome.Failed"/> result with a readable
/// <see cref="RunResult.Error"/>. Only a malformed <see cref="RunSpec"/> (an
/// <see cref="ArgumentException"/>) or a cancelled token on the probing methods throws.
/// </remarks>
public interface ITaskExecutor
{
    /// <summary>"docker", "sandbox", "unsafe-local" or "unavailable"; for logs and diagnostics.</summary>
    string Name { get; }

    /// <summary>
    /// Null when runs can start here; else why not and what an operator can do (no sandbox on this
    /// node). Asked before a task is accepted, so that nothing is stored that could never run.
    /// </summary>
    Task<string?> WhyUnavailableAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a run and returns once the command has started or failed to start. Never returns
    /// null and never throws for a failed start: the handle's <see cref="IRunHandle.Completion"/>
    /// says why. <paramref name="cancellationToken"/> cancels the start only (the run then ends
    /// <see cref="RunOutcome.Cancelled"/>); once started, stop it with <see cref="IRunHandle.Cancel"/>
    /// or <see cref="CancelAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is invalid (see <see cref="RunSpec"/>).</exception>
    Task<IRunHandle> StartAsync(RunSpec spec, CancellationToken cancellationToken);

    /// <summary>Cancels a run this executor is following; false when it follows no such run.</summary>
    Task<bool> CancelAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Looks for a run by id, including runs started before a restart (by another process) when
    /// the executor can find those: Docker can (containers are labelled with the run id), the
    /// local executor only knows runs of its own process.
    /// </summary>
    Task<RunProbe> FindAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Follows a run started before a restart: its remaining output (output written while nobody
    /// followed is lost, and a notice line says so) and its result, enforcing the original
    /// deadline; the remains are removed afterwards. Returns null when the run is gone or the
    /// executor cannot re-attach (the local executor never can).
    /// </summary>
    Task<IRunHandle?> ReattachAsync(string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Stops and removes whatever is left of a run, wherever this executor can find it. Returns
    /// what was found before it was reaped (<see cref="RunState.Gone"/> when nothing).
    /// </summary>
    Task<RunProbe> ReapAsync(string runId, CancellationToken cancellationToken);
}
