namespace OrleansHub.Runtime.Streams;

/// <summary>An event to append to a stream with a state write (outbox). <paramref name="Data"/> is serialized as JSON.</summary>
public sealed record StreamEvent(StreamId Stream, string Type, object Data);

/// <summary>An event as stored: its gap-free position in the stream, its JSON data and its commit-side timestamp.</summary>
public sealed record StoredStreamEvent(StreamId Stream, long Seq, string Type, string DataJson, DateTimeOffset Timestamp);
