using OrleansHub.Outbox.EventLog;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// The state handed to <see cref="OutboxGrainStorage"/> for one write: Orleans' grain state plus the events and
/// index rows that commit with it. A plain <see cref="IGrainState{T}"/> (a grain using Orleans' own
/// <c>[PersistentState]</c> on this provider) writes the state alone.
/// </summary>
internal sealed class OutboxGrainState<TState>(
    TState state, string? etag, IReadOnlyList<StreamEvent> events, IReadOnlyList<IndexUpdate> indexUpdates) : IGrainState<TState>
{
    public TState? State { get; set; } = state;

    public string? ETag { get; set; } = etag;

    public bool RecordExists { get; set; } = etag is not null;

    public IReadOnlyList<StreamEvent> Events { get; } = events;

    public IReadOnlyList<IndexUpdate> IndexUpdates { get; } = indexUpdates;
}
