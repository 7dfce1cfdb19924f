using System.Threading.Channels;

namespace OrleansHub.Execution;

/// <summary>A started (or re-attached) run.</summary>
/// <remarks>
/// Read <see cref="Output"/> to its end while the run goes on: it is bounded, and the run's
/// output is only read from the process or container as fast as it is consumed here.
/// <see cref="Completion"/> completes after the last line has been written to <see cref="Output"/>,
/// so awaiting it without reading the output can wait until the timeout. Disposing the handle
/// stops the run if it is still going and discards unread output.
/// </remarks>
public interface IRunHandle : IAsyncDisposable
{
    string RunId { get; }

    /// <summary>When the command started, or null when it never did (the run already failed).</summary>
    DateTimeOffset? StartedAt { get; }

    /// <summary>Output lines in <see cref="OutputLine.Seq"/> order; completes when the run's output ends.</summary>
    ChannelReader<OutputLine> Output { get; }

    /// <summary>The final result. Never faults and is never cancelled.</summary>
    Task<RunResult> Completion { get; }

    /// <summary>
    /// Asks the run to stop (SIGKILL to the container or process group). Returns at once and is
    /// idempotent; <see cref="Completion"/> reports <see cref="RunOutcome.Cancelled"/> unless the
    /// run had already ended.
    /// </summary>
    void Cancel();
}
