using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansHub.LoadTest;

/// <summary>
/// The official client (<c>--client official</c>): a <see cref="HubConnection"/> from <see cref="HubConnectionBuilder"/>
/// per connection (WebSockets, JSON protocol, the bearer token from <c>AccessTokenProvider</c>), the same seq checks
/// as the light client. Its <c>On</c> handler takes the receive time, so latency includes the client's dispatch to
/// its handler loop; it sends its own keep-alive pings.
/// </summary>
internal sealed class OfficialHubLoadConnection(LoadStats stats, params string[] streams) : IHubLoadConnection
{
    private readonly StreamSeqs _seqs = new(stats, streams);
    private HubConnection? _connection;
    private volatile bool _open;

    public bool Open => _open;

    public long LastSeq(int stream) => _seqs.Last(stream);

    public long EventsReceived => _seqs.Received;

    public async Task ConnectAsync(Uri server, string accessToken, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/status"), HttpTransportType.WebSockets,
                options => options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken))
            .AddJsonProtocol()
            .Build();
        connection.On<LoadEvent>("event", Received);
        connection.Closed += exception =>
        {
            _open = false;
            stats.Closed(exception is null ? "closed" : exception.GetType().Name + ": " + exception.Message);
            return Task.CompletedTask;
        };
        _connection = connection;
        await connection.StartAsync(cancellationToken);
        _open = true;
    }

    public async Task<long> SubscribeAsync(int stream, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("Not connected.");
        var answer = await connection.InvokeAsync<SubscribeAnswer>("Subscribe", streams[stream], null, cancellationToken);
        _seqs.Subscribed(stream, answer.LastSeq);
        return answer.LastSeq;
    }

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task CloseAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }
    }

    private void Received(LoadEvent e)
    {
        var now = DateTimeOffset.UtcNow;
        var stream = _seqs.IndexOf(e.Stream);
        if (stream >= 0)
        {
            _seqs.Seen(stream, e.Seq, e.Timestamp, now);
        }
    }

    /// <summary>The parts of an <c>event</c> the harness reads; <c>type</c> and <c>data</c> are skipped.</summary>
    private sealed record LoadEvent(string Stream, long Seq, DateTimeOffset Timestamp);

    private sealed record SubscribeAnswer([property: JsonPropertyName("last_seq")] long LastSeq);
}
