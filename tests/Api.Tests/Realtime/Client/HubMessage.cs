using System.Text.Json;

namespace OrleansHub.Api.Tests.Realtime.Client;

/// <summary>A server-to-client invocation (<c>event</c>, <c>unsubscribed</c>): its target and first argument.</summary>
public sealed record HubInvocation(string Target, JsonElement Argument);

/// <summary>An event as the hub sends it: <c>{stream, seq, type, data, timestamp}</c>.</summary>
public sealed record HubEvent(string Stream, long Seq, string Type, JsonElement Data, DateTimeOffset Timestamp)
{
    public static HubEvent From(JsonElement argument) => new(
        argument.GetProperty("stream").GetString()!,
        argument.GetProperty("seq").GetInt64(),
        argument.GetProperty("type").GetString()!,
        argument.GetProperty("data").Clone(),
        argument.GetProperty("timestamp").GetDateTimeOffset());
}

/// <summary>How the connection ended: the server's close message, its error and whether it allows a reconnect.</summary>
public sealed record HubClose(bool CloseMessage, string? Error, bool AllowReconnect);
