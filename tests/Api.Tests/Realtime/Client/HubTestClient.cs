using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace OrleansHub.Api.Tests.Realtime.Client;

/// <summary>
/// A slow consumer for the back-pressure tests, which the official client cannot be: it stops reading its socket
/// on request (<see cref="PauseReading"/>) and can shrink its receive buffer, so the server's per-connection buffer
/// fills. Otherwise a minimal JSON-protocol client over <see cref="ClientWebSocket"/>: negotiate, the WebSocket with
/// <c>id</c> and <c>access_token</c> in the query, the handshake, records separated by 0x1E. Every other hub test
/// uses the official client (<see cref="StatusHubClient"/>).
/// </summary>
public sealed class HubTestClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);

    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;
    private readonly Channel<HubInvocation> _invocations = Channel.CreateUnbounded<HubInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly TaskCompletionSource<HubClose> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private volatile TaskCompletionSource _readGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;
    private int _nextId;

    private HubTestClient(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        _socket = socket;
        _invoker = invoker;
        _readGate.SetResult();
    }

    /// <summary>Completes when the connection ends (close message or socket closed).</summary>
    public Task<HubClose> Closed => _closed.Task;

    /// <summary>Connects to <c>/hubs/status</c>; <paramref name="receiveBuffer"/> sets its socket's receive buffer.</summary>
    public static async Task<HubTestClient> ConnectAsync(Uri server, string accessToken, int receiveBuffer, CancellationToken cancellationToken = default)
    {
        var connectionToken = await NegotiateAsync(server, accessToken, cancellationToken);
        var socket = new ClientWebSocket();
        var query = $"id={Uri.EscapeDataString(connectionToken)}&access_token={Uri.EscapeDataString(accessToken)}";
        var uri = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/hubs/status", Query = query }.Uri;
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = (context, token) => ConnectSocketAsync(context, receiveBuffer, token) });
        try
        {
            await socket.ConnectAsync(uri, invoker, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            invoker.Dispose();
            throw;
        }

        var client = new HubTestClient(socket, invoker);
        await client.SendRecordAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var handshake = await client.ReadHandshakeAsync(cancellationToken);
        if (handshake.TryGetProperty("error", out var error))
        {
            throw new HubException("handshake: " + error.GetString());
        }
        client._receiving = client.ReceiveAsync();
        client._pinging = client.PingAsync();
        // The server handles invocations only after OnConnectedAsync: one round trip, and the connection is set up.
        await client.InvokeAsync("Unsubscribe", "none");
        return client;
    }

    /// <summary>Subscribe(stream, afterSeq): returns the <c>last_seq</c> of the answer.</summary>
    public async Task<long> SubscribeAsync(string stream, long? afterSeq = null)
    {
        var result = await InvokeAsync("Subscribe", stream, afterSeq);
        return result.GetProperty("last_seq").GetInt64();
    }

    /// <summary>Everything received and not yet read, without waiting.</summary>
    public List<HubInvocation> Drain()
    {
        var all = new List<HubInvocation>();
        while (_invocations.Reader.TryRead(out var invocation))
        {
            all.Add(invocation);
        }
        return all;
    }

    /// <summary>Lets a paused consumer read again.</summary>
    public void StartReading() => _readGate.TrySetResult();

    /// <summary>Stops reading from the socket after the frame being read: a slow consumer.</summary>
    public void PauseReading() => _readGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _readGate.TrySetResult();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        _socket.Abort();
        await Task.WhenAll(_receiving, _pinging).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _invoker.Dispose();
        _stop.Dispose();
    }

    private static async Task<string> NegotiateAsync(Uri server, string accessToken, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/status/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        return body.GetProperty("connectionToken").GetString()!;
    }

    private async Task<JsonElement> InvokeAsync(string method, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        var message = JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments });
        await SendRecordAsync(message, CancellationToken.None);
        return await completion.Task.WaitAsync(DefaultWait);
    }

    private static async ValueTask<Stream> ConnectSocketAsync(SocketsHttpConnectionContext context, int receiveBuffer, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = receiveBuffer };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task SendRecordAsync(string json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json + RecordSeparator);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<JsonElement> ReadHandshakeAsync(CancellationToken cancellationToken)
    {
        // The handshake answer is the first record; the overflow test has nothing sent to the connection before its
        // first call is answered, so it is alone in its frame.
        var buffer = new byte[4096];
        var result = await _socket.ReceiveAsync(buffer, cancellationToken);
        var record = Encoding.UTF8.GetString(buffer, 0, result.Count).TrimEnd(RecordSeparator);
        return JsonDocument.Parse(record).RootElement.Clone();
    }

    private async Task PingAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await SendRecordAsync("""{"type":6}""", _stop.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[16 * 1024];
        HubClose? close = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _readGate.Task;
                var result = await _socket.ReceiveAsync(chunk, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                buffer.Write(chunk.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }
                foreach (var record in Encoding.UTF8.GetString(buffer.WrittenSpan).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    close ??= Dispatch(JsonDocument.Parse(record).RootElement.Clone());
                }
                buffer.ResetWrittenCount();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new HubException("The connection closed."));
            }
            _invocations.Writer.TryComplete();
            _closed.TrySetResult(close ?? new HubClose(false, null, false));
        }
    }

    private HubClose? Dispatch(JsonElement message)
    {
        switch (message.GetProperty("type").GetInt32())
        {
            case 1:
                var arguments = message.GetProperty("arguments");
                _invocations.Writer.TryWrite(new HubInvocation(
                    message.GetProperty("target").GetString()!,
                    arguments.GetArrayLength() > 0 ? arguments[0] : default));
                return null;
            case 3:
                if (_pending.TryRemove(message.GetProperty("invocationId").GetString()!, out var completion))
                {
                    if (message.TryGetProperty("error", out var error))
                    {
                        completion.TrySetException(new HubException(error.GetString()!));
                    }
                    else
                    {
                        completion.TrySetResult(message.TryGetProperty("result", out var result) ? result : default);
                    }
                }
                return null;
            case 7:
                return new HubClose(
                    true,
                    message.TryGetProperty("error", out var closeError) ? closeError.GetString() : null,
                    message.TryGetProperty("allowReconnect", out var allow) && allow.GetBoolean());
            default:
                return null; // ping
        }
    }
}
