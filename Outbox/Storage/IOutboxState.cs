using Orleans.Runtime;
using OrleansHub.Outbox.EventLog;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// A grain's state in the outbox storage: Orleans' <see cref="IPersistentState{TState}"/>, plus writes that append
/// stream events and index rows in the same PostgreSQL transaction as the state (transactional outbox): all of it
/// commits or none of it does. Read before <c>OnActivateAsync</c>; every write is guarded by the ETag read last, so
/// a stale writer gets <see cref="Orleans.Storage.InconsistentStateException"/>. Any failed write deactivates the
/// activation after the current turn, so the next call reloads what is stored instead of keeping the in-memory
/// change that did not commit. Inject with <see cref="OutboxStateAttribute"/>.
/// </summary>
public interface IOutboxState<TState> : IPersistentState<TState>
    where TState : new()
{
    /// <summary>
    /// Writes the state and appends <paramref name="events"/> to their streams in the same transaction. After the
    /// commit the events are published live (docs/outbox.md, "Live delivery").
    /// </summary>
    Task WriteStateAsync(params IReadOnlyList<StreamEvent> events);

    /// <summary>As above, plus index-table statements in the same transaction, in order.</summary>
    Task WriteStateAsync(IReadOnlyList<StreamEvent> events, IReadOnlyList<IndexUpdate> indexUpdates);
}

/// <summary>
/// Marks a grain constructor parameter of type <see cref="IOutboxState{TState}"/>: the state named
/// <paramref name="stateName"/> in the grain storage provider <paramref name="storageName"/> (the outbox by default).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class OutboxStateAttribute(string stateName, string storageName = OutboxStorage.ProviderName) : Attribute, IFacetMetadata
{
    public string StateName { get; } = stateName;

    public string StorageName { get; } = storageName;
}
