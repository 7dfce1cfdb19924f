using System.Text.Json;
using System.Threading.Channels;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Grains.Tests.Infrastructure;

/// <summary>Records a task's stream from seq 1; tests wait on its events (signals), never on time.</summary>
public sealed class TaskStreamRecorder : IStreamSink, IDisposable
{
    private readonly Channel<StoredStreamEvent> _events = Channel.CreateUnbounded<StoredStreamEvent>();
    private StreamSubscription? _subscription;

    public List<string> Statuses { get; } = [];

    public List<(string Stream, string Line)> Logs { get; } = [];

    public static async Task<TaskStreamRecorder> StartAsync(StreamSubscriptions streams, StreamId stream)
    {
        var recorder = new TaskStreamRecorder();
        recorder._subscription = await streams.SubscribeAsync(stream, 0, recorder, CancellationToken.None);
        return recorder;
    }

    public bool TryDeliver(StoredStreamEvent streamEvent) => _events.Writer.TryWrite(streamEvent);

    public void Closed(StreamCloseReason reason) => _events.Writer.TryComplete();

    /// <summary>The data of the first task.status event with a final status (fails after 60 s).</summary>
    public Task<JsonElement> UntilFinalAsync() => UntilAsync(TaskStatuses.IsFinal);

    public Task<JsonElement> UntilStatusAsync(string status) => UntilAsync(s => s == status);

    private async Task<JsonElement> UntilAsync(Func<string, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var next = await _events.Reader.ReadAsync(timeout.Token);
            var data = JsonDocument.Parse(next.DataJson).RootElement.Clone();
            if (next.Type == "task.log")
            {
                Logs.Add((data.GetProperty("stream").GetString()!, data.GetProperty("line").GetString()!));
            }
            else if (next.Type == "task.status")
            {
                var status = data.GetProperty("status").GetString()!;
                Statuses.Add(status);
                if (done(status))
                {
                    return data;
                }
            }
        }
    }

    // Disposing a subscription completes synchronously (it only unregisters).
    public void Dispose() => _subscription?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
