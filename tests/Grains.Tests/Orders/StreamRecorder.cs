using System.Text.Json;
using System.Threading.Channels;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Grains.Tests.Orders;

/// <summary>Records a stream from seq 1; tests wait for an event (a signal), never for time.</summary>
public sealed class StreamRecorder : IStreamSink, IAsyncDisposable
{
    private readonly Channel<StoredStreamEvent> _events = Channel.CreateUnbounded<StoredStreamEvent>();
    private StreamSubscription? _subscription;

    /// <summary>Every event read so far, in seq order.</summary>
    public List<(long Seq, string Type, JsonElement Data)> Seen { get; } = [];

    public static async Task<StreamRecorder> StartAsync(StreamSubscriptions streams, StreamId stream)
    {
        var recorder = new StreamRecorder();
        recorder._subscription = await streams.SubscribeAsync(stream, 0, recorder, CancellationToken.None);
        return recorder;
    }

    public bool TryDeliver(StoredStreamEvent streamEvent) => _events.Writer.TryWrite(streamEvent);

    public void Closed(StreamCloseReason reason) => _events.Writer.TryComplete();

    /// <summary>The data of the first event of <paramref name="type"/> matching <paramref name="match"/> (fails after 60 s).</summary>
    public async Task<JsonElement> UntilAsync(string type, Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var next = await _events.Reader.ReadAsync(timeout.Token);
            var data = JsonDocument.Parse(next.DataJson).RootElement.Clone();
            Seen.Add((next.Seq, next.Type, data));
            if (next.Type == type && match(data))
            {
                return data;
            }
        }
    }

    public Task<JsonElement> UntilStatusAsync(string status) =>
        UntilAsync("order.status", data => data.GetProperty("status").GetString() == status);

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
