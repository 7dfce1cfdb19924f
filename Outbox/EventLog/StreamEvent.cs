namespace OrleansHub.Outbox.EventLog;

/// <summary>
/// An event to append to a stream with a state write (outbox). <paramref name="Data"/> is serialized as JSON; a
/// write that passes one data object to several streams stores it once (docs/outbox.md, "Shared event data").
/// </summary>
public sealed record StreamEvent(StreamId Stream, string Type, object Data);

/// <summary>
/// An event as stored: its gap-free position in the stream, its JSON data and its commit-side timestamp. It is
/// also what the silo publishes on the Orleans stream of the same id after the commit.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.StoredStreamEvent")]
public sealed record StoredStreamEvent(StreamId Stream, long Seq, string Type, string DataJson, DateTimeOffset Timestamp);
