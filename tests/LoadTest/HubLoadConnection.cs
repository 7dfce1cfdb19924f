using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansHub.LoadTest;

/// <summary>
/// The light client (<c>--client light</c>, the default): SignalR's JSON protocol over <see cref="ClientWebSocket"/>,
/// lean enough for tens of thousands per process: one receive buffer, events read with <see cref="Utf8JsonReader"/>
/// without building a DOM, and per followed stream the last seq, so every lost, repeated or reordered event is counted.
/// </summary>
internal sealed class HubLoadConnection(LoadStats stats, HttpClient http, HttpMessageInvoker sockets, params string[] streams) : IHubLoadConnection
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private static readonly byte[] EventTarget = "event"u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly StreamSeqs _seqs = new(stats, streams);
    private readonly byte[][] _streamBytes = [.. streams.Select(Encoding.UTF8.GetBytes)];
    private readonly SemaphoreSlim _send = new(1, 1);
    private TaskCompletionSource<long?> _pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = new byte[4096];
    private int _invocationId;

    public bool Open { get; private set; }

    private Task Receiving { get; set; } = Task.CompletedTask;

    public long LastSeq(int stream) => _seqs.Last(stream);

    public long EventsReceived => _seqs.Received;

    public async Task ConnectAsync(Uri server, string accessToken, CancellationToken cancellationToken)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/hubs/status/negotiate?negotiateVersion=1"));
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var answer = await http.SendAsync(negotiate, cancellationToken);
        answer.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await answer.Content.ReadAsStreamAsync(cancellationToken));
        var token = body.RootElement.GetProperty("connectionToken").GetString()!;

        var uri = new UriBuilder(server)
        {
            Scheme = server.Scheme == "https" ? "wss" : "ws",
            Path = "/hubs/status",
            Query = $"id={Uri.EscapeDataString(token)}&access_token={Uri.EscapeDataString(accessToken)}",
        }.Uri;
        await _socket.ConnectAsync(uri, sockets, cancellationToken);
        Open = true;
        Receiving = ReceiveAsync();
        await SendAsync(Handshake, cancellationToken);
        await _handshake.Task.WaitAsync(cancellationToken);
    }

    public async Task<long> SubscribeAsync(int stream, CancellationToken cancellationToken)
    {
        _pending = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = ++_invocationId;
        var message = $"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"Subscribe\",\"arguments\":[{JsonSerializer.Serialize(streams[stream])},null]}}\u001e";
        await SendAsync(Encoding.UTF8.GetBytes(message), cancellationToken);
        var lastSeq = await _pending.Task.WaitAsync(cancellationToken) ?? throw new InvalidOperationException($"Subscribe({streams[stream]}) answered without last_seq.");
        _seqs.Subscribed(stream, lastSeq);
        return lastSeq;
    }

    public Task PingAsync(CancellationToken cancellationToken) => Open ? SendAsync(Ping, cancellationToken) : Task.CompletedTask;

    public async Task CloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        _socket.Abort();
        await Receiving;
        _socket.Dispose();
    }

    private async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var filled = 0;
        string? reason = null;
        try
        {
            while (true)
            {
                if (filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(filled), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason ??= "server closed the socket";
                    break;
                }
                filled += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }
                var now = DateTimeOffset.UtcNow;
                var consumed = 0;
                int end;
                while ((end = Array.IndexOf(_buffer, RecordSeparator, consumed, filled - consumed)) >= 0)
                {
                    reason ??= Dispatch(_buffer.AsSpan(consumed, end - consumed), now);
                    consumed = end + 1;
                }
                // A record cut across messages stays for the next one.
                Buffer.BlockCopy(_buffer, consumed, _buffer, 0, filled - consumed);
                filled -= consumed;
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason ??= "socket: " + exception.Message;
        }
        catch (JsonException exception)
        {
            reason ??= "bad message: " + exception.Message;
        }
        finally
        {
            Open = false;
            _handshake.TrySetException(new InvalidOperationException(reason ?? "closed"));
            _pending.TrySetException(new InvalidOperationException(reason ?? "closed"));
            stats.Closed(reason ?? "closed");
        }
    }

    // Returns a reason when the record closes the connection.
    private string? Dispatch(ReadOnlySpan<byte> record, DateTimeOffset now)
    {
        var reader = new Utf8JsonReader(record);
        reader.Read();
        int type = -1;
        var isEvent = false;
        int stream = -1;
        long seq = -1;
        DateTimeOffset timestamp = default;
        long? lastSeq = null;
        string? error = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                isEvent = reader.ValueTextEquals(EventTarget);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read(); // [
                reader.Read(); // { of the first argument
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("stream"u8))
                        {
                            reader.Read();
                            stream = StreamIndex(ref reader);
                        }
                        else if (reader.ValueTextEquals("seq"u8))
                        {
                            reader.Read();
                            seq = reader.GetInt64();
                        }
                        else if (reader.ValueTextEquals("timestamp"u8))
                        {
                            reader.Read();
                            timestamp = reader.GetDateTimeOffset();
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
                while (reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                lastSeq = LastSeqOf(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        switch (type)
        {
            case -1: // the handshake answer: {} (or {"error": ...})
                if (error is null)
                {
                    _handshake.TrySetResult();
                    return null;
                }
                return "handshake: " + error;
            case 1 when isEvent && stream >= 0:
                _seqs.Seen(stream, seq, timestamp, now);
                return null;
            case 3:
                if (error is not null)
                {
                    _pending.TrySetException(new InvalidOperationException(error));
                }
                else
                {
                    _pending.TrySetResult(lastSeq);
                }
                return null;
            case 7:
                return "close message" + (error is null ? "" : ": " + error);
            default:
                return null;
        }
    }

    private int StreamIndex(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _streamBytes.Length; i++)
        {
            if (reader.ValueTextEquals(_streamBytes[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static long? LastSeqOf(ref Utf8JsonReader reader)
    {
        long? lastSeq = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isLastSeq = reader.ValueTextEquals("last_seq"u8);
            reader.Read();
            if (isLastSeq)
            {
                lastSeq = reader.GetInt64();
            }
            else
            {
                reader.Skip();
            }
        }
        return lastSeq;
    }
}
