using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Realtime;

/// <summary>The hub's client methods (docs/api.md "Real time").</summary>
public static class StatusClientMethods
{
    /// <summary>A stream event: <see cref="StatusEvent"/>.</summary>
    public const string Event = "event";

    /// <summary>The server ended one subscription (access removed): <see cref="StreamEnded"/>.</summary>
    public const string Unsubscribed = "unsubscribed";
}

/// <summary>What a client receives for each event: <c>{stream, seq, type, data, timestamp}</c>, <c>data</c> as stored.</summary>
public sealed record StatusEvent(string Stream, long Seq, string Type, RawJson Data, DateTimeOffset Timestamp)
{
    public static StatusEvent From(StoredStreamEvent stored) =>
        new(stored.Stream.ToString(), stored.Seq, stored.Type, new RawJson(stored.DataJson), stored.Timestamp);
}

/// <summary>The answer to <c>Subscribe</c>: the stream's last seq when the subscription was made.</summary>
public sealed record SubscribeResult(string Stream, long LastSeq);

/// <summary>Why the server ended a subscription the client had made; nothing more of the stream follows.</summary>
public sealed record StreamEnded(string Stream, string Reason);

/// <summary>Reasons in <see cref="StreamEnded"/>.</summary>
public static class StreamEndReasons
{
    /// <summary>The caller may no longer read the stream (removed from the workspace, the workspace deleted, ...).</summary>
    public const string AccessRevoked = "access_revoked";
}

/// <summary>
/// A JSON value that is already serialized (the stream's stored <c>data</c>): written as is, so it reaches the
/// client as an object, not as a string, without being parsed and re-serialized for every connection.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Json);

internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    // The text comes from our own jsonb column, so it is valid JSON.
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}
