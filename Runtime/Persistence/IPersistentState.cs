using OrleansHub.Runtime.Streams;

namespace OrleansHub.Runtime;

/// <summary>
/// A grain's persisted state (Orleans' IPersistentState). Read before OnActivateAsync; every write is
/// guarded by the ETag read last, so a stale writer gets <see cref="InconsistentStateException"/>.
/// Any failed write deactivates the activation after the current turn, so the next call reloads the
/// stored state instead of keeping the in-memory change that did not commit.
/// </summary>
public interface IPersistentState<TState>
    where TState : new()
{
    TState State { get; set; }

    /// <summary>The stored row version, or null when no record exists.</summary>
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the state and appends <paramref name="events"/> to their streams in the same transaction
    /// (transactional outbox): both commit or neither does.
    /// </summary>
    Task WriteStateAsync(params IReadOnlyList<StreamEvent> events);

    /// <summary>As above, plus index-table statements in the same transaction.</summary>
    Task WriteStateAsync(IReadOnlyList<StreamEvent> events, IReadOnlyList<IndexUpdate> indexUpdates);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
