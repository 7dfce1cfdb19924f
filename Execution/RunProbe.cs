namespace OrleansHub.Execution;

/// <summary>What an executor knows about a run it may have started before a restart.</summary>
public enum RunState
{
    /// <summary>Nothing of the run exists (never started, already cleaned up, or not findable by this executor).</summary>
    Gone,

    /// <summary>The run is still executing.</summary>
    Running,

    /// <summary>The run finished but its remains (a stopped container) are still there.</summary>
    Exited,
}

/// <summary>The answer to "is run X still there?".</summary>
/// <param name="RunId">The run asked about.</param>
/// <param name="State">What was found.</param>
/// <param name="ExitCode">The exit code when <see cref="RunState.Exited"/> and known.</param>
public sealed record RunProbe(string RunId, RunState State, int? ExitCode)
{
    public static RunProbe Gone(string runId) => new(runId, RunState.Gone, null);
}
