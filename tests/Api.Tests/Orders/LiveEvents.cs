using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Tests.Orders;

/// <summary>Follows a stream of a running silo from seq 1, so a test awaits the event it expects instead of sleeping.</summary>
public sealed class LiveEvents : IStreamSink, IAsyncDisposable
{
    private readonly Channel<StoredStreamEvent> _events = Channel.CreateUnbounded<StoredStreamEvent>();
    private StreamSubscription? _subscription;

    public static async Task<LiveEvents> FollowAsync(ApiFactory factory, string stream)
    {
        var live = new LiveEvents();
        live._subscription = await factory.Services.GetRequiredService<StreamSubscriptions>()
            .SubscribeAsync(StreamId.Parse(stream), 0, live, CancellationToken.None);
        return live;
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
            if (next.Type == type && match(data))
            {
                return data;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
