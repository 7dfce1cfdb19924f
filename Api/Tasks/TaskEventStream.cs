using System.Text.Json;
using System.Text;
using System.Threading.Channels;
using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Tasks;

/// <summary>
/// GET /api/v1/tasks/{id}/stream: the task's durable stream as Server-Sent Events (<c>id:</c> is the seq, so
/// a reconnect with Last-Event-ID resumes without a gap); ends after the final status.
/// </summary>
internal static class TaskEventStream
{
    // A client that reads this slowly is cut off; it resumes with Last-Event-ID.
    private const int Buffer = 1024;

    public static async Task WriteAsync(
        HttpContext http, StreamSubscriptions streams, string taskId, long afterSeq, CancellationToken cancellationToken)
    {
        var sink = new ChannelSink();
        await using var subscription = await streams.SubscribeAsync(new StreamId(StreamNames.Task, taskId), afterSeq, sink, cancellationToken);

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.Body.FlushAsync(cancellationToken);

        await foreach (var streamEvent in sink.Events.ReadAllAsync(cancellationToken))
        {
            var name = streamEvent.Type switch
            {
                TaskEventTypes.Log => "log",
                TaskEventTypes.Status => "status",
                TaskEventTypes.Progress => "progress",
                _ => null,
            };
            if (name is null)
            {
                continue;
            }
            var frame = $"id: {streamEvent.Seq}\nevent: {name}\ndata: {streamEvent.DataJson}\n\n";
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
            if (name == "status" && StatusOf(streamEvent.DataJson) is { } status && TaskStatuses.IsFinal(status))
            {
                return;
            }
        }
    }

    /// <summary>The status inside a task.status event's data.</summary>
    private static string? StatusOf(string dataJson)
    {
        using var document = JsonDocument.Parse(dataJson);
        return document.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }

    private sealed class ChannelSink : IStreamSink
    {
        private readonly Channel<StoredStreamEvent> _events = Channel.CreateBounded<StoredStreamEvent>(
            new BoundedChannelOptions(Buffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        public ChannelReader<StoredStreamEvent> Events => _events.Reader;

        public bool TryDeliver(StoredStreamEvent streamEvent) => _events.Writer.TryWrite(streamEvent);

        public void Closed(StreamCloseReason reason) => _events.Writer.TryComplete();
    }
}
