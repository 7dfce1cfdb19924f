using OrleansHub.Runtime.Streams;

namespace OrleansHub.Runtime;

/// <summary>
/// A grain's persisted state (Orleans' IPersistentState). Read before OnActivateAsync; every write is
/// guarded by the ETag read last, so a stale writer gets <see cref="InconsistentStateException"/>.
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

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
