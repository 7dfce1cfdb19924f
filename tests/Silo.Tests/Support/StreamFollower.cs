using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansHub.Silo.Tests.Support;

/// <summary>One event as a client received it: its seq, type, data, and the silo that sent it.</summary>
internal sealed record ReceivedEvent(long Seq, string Type, JsonElement Data, Uri Via)
{
    /// <summary>The <c>name</c> the event carries (a workspace's), if any.</summary>
    public string? Name => Text("name");

    /// <summary>A string member of <c>data</c>, or null.</summary>
    public string? Text(string member) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// A hub client as an application would write one against a cluster (docs/realtime.md): the .NET SignalR client,
/// WebSockets only with negotiation skipped (so no sticky sessions are needed), bearer token from
/// <c>AccessTokenProvider</c>. It follows a set of streams; when its connection ends (its silo killed or draining)
/// it connects to the next address <see cref="_pick"/> offers and subscribes to each stream again with
/// <c>afterSeq</c> = the last seq it received. It keeps every event exactly as received, duplicates included, so the
/// test can check there are none.
/// </summary>
internal sealed class StreamFollower : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectDeadline = TimeSpan.FromMinutes(2);

    private readonly string _token;
    private readonly IReadOnlyList<string> _streams;
    private readonly Func<int, Uri> _pick;
    private readonly Dictionary<string, List<ReceivedEvent>> _received;
    private readonly Dictionary<string, long> _lastSeqAtSubscribe = [];
    private readonly object _gate = new();
    private readonly List<string> _problems = [];
    private HubConnection? _connection;
    private int _attempt;
    private bool _disposed;

    private StreamFollower(string token, IReadOnlyList<string> streams, Func<int, Uri> pick)
    {
        _token = token;
        _streams = streams;
        _pick = pick;
        _received = streams.ToDictionary(s => s, _ => new List<ReceivedEvent>());
    }

    /// <summary>The address of the silo the client is connected to now.</summary>
    public Uri? ConnectedTo { get; private set; }

    /// <summary>How many times the client connected again after losing its connection.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Anything that went wrong outside an awaited call (a failed reconnect), for the test to report.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>
    /// Connects to <c>pick(0)</c> and subscribes to every stream from its start (<c>afterSeq</c> 0). On a lost
    /// connection, <c>pick(n)</c> gives the address for the n-th attempt (n &gt;= 1): a load balancer's address, or the
    /// next silo that is up.
    /// </summary>
    public static async Task<StreamFollower> StartAsync(string token, IReadOnlyList<string> streams, Func<int, Uri> pick)
    {
        var follower = new StreamFollower(token, streams, pick);
        await follower.ConnectAsync(pick(0));
        return follower;
    }

    /// <summary>The events received on <paramref name="stream"/>, in arrival order.</summary>
    public IReadOnlyList<ReceivedEvent> Received(string stream)
    {
        lock (_gate)
        {
            return [.. _received[stream]];
        }
    }

    /// <summary>The highest seq received on <paramref name="stream"/> (0 if none).</summary>
    public long LastSeq(string stream)
    {
        lock (_gate)
        {
            var events = _received[stream];
            return events.Count == 0 ? 0 : events[^1].Seq;
        }
    }

    /// <summary>The stream's last seq when this client last subscribed to it (the <c>last_seq</c> of the answer).</summary>
    public long LastSeqAtSubscribe(string stream)
    {
        lock (_gate)
        {
            return _lastSeqAtSubscribe[stream];
        }
    }

    /// <summary>True when every stream has delivered up to <paramref name="lastSeq"/> of it.</summary>
    public bool HasReached(IReadOnlyDictionary<string, long> lastSeq) => lastSeq.All(pair => LastSeq(pair.Key) >= pair.Value);

    private async Task ConnectAsync(Uri address)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(address, "/hubs/status"), HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(_token);
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)
            .Build();
        connection.On<JsonElement>("event", e => Record(e, address));
        try
        {
            await connection.StartAsync();
            foreach (var stream in _streams)
            {
                // Resume where this client stopped: the server sends every seq after it, stored ones first.
                var answer = await connection.InvokeAsync<JsonElement>("Subscribe", stream, (long?)LastSeq(stream));
                lock (_gate)
                {
                    _lastSeqAtSubscribe[stream] = answer.GetProperty("last_seq").GetInt64();
                }
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        // Registered after the subscriptions so a connection that never got going is not "lost" twice.
        connection.Closed += OnClosedAsync;
        lock (_gate)
        {
            _connection = connection;
            ConnectedTo = address;
        }
    }

    private void Record(JsonElement e, Uri via)
    {
        var stream = e.GetProperty("stream").GetString()!;
        lock (_gate)
        {
            if (_received.TryGetValue(stream, out var events))
            {
                events.Add(new ReceivedEvent(e.GetProperty("seq").GetInt64(), e.GetProperty("type").GetString()!, e.GetProperty("data").Clone(), via));
            }
        }
    }

    private async Task OnClosedAsync(Exception? error)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        using var deadline = new CancellationTokenSource(ReconnectDeadline);
        var failures = new List<string>();
        while (!deadline.IsCancellationRequested)
        {
            var address = _pick(++_attempt);
            try
            {
                await ConnectAsync(address);
                Reconnects++;
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException or TimeoutException or HubException or IOException or OperationCanceledException)
            {
                // The address refused (a silo being killed or not yet ready), or the connection was closed while it
                // subscribed (a draining silo closes its hub connections when the drain ends; the client's pending
                // Subscribe then fails with TaskCanceledException): try the next one the picker gives.
                failures.Add($"{address}: {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
        }

        lock (_gate)
        {
            _problems.Add($"Could not reconnect within {ReconnectDeadline} after {error?.Message}: {string.Join("; ", failures.TakeLast(5))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        HubConnection? connection;
        lock (_gate)
        {
            _disposed = true;
            connection = _connection;
        }
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
