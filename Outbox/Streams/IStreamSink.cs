using OrleansHub.Outbox.EventLog;
namespace OrleansHub.Outbox.Streams;

/// <summary>Why a subscription ended without being disposed by its owner.</summary>
public enum StreamCloseReason
{
    /// <summary>The sink refused an event (its buffer is full); resume by seq.</summary>
    Overflow,

    /// <summary>The silo is stopping.</summary>
    Shutdown,
}

/// <summary>
/// Where a subscription delivers. Called one event at a time, in seq order, never concurrently for one
/// subscription. Must not block: return false when the event cannot be buffered, and the subscription ends
/// with <see cref="StreamCloseReason.Overflow"/>.
/// </summary>
public interface IStreamSink
{
    bool TryDeliver(StoredStreamEvent streamEvent);

    void Closed(StreamCloseReason reason);
}
