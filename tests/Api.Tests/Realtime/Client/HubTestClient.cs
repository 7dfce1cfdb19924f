using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace OrleansHub.Api.Tests.Realtime.Client;

/// <summary>
/// A small SignalR client speaking the JSON hub protocol over <see cref="ClientWebSocket"/>, as a browser does:
/// POST negotiate (negotiateVersion=1), then the WebSocket with <c>id=&lt;connectionToken&gt;</c> and the access token
/// in the query, the handshake, then records separated by 0x1E. (Written when the .NET SignalR client was not served here; moving the tests to it is open work, issue 21. Pausing reads, which the overflow tests need, stays this client's.)
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
    private string[] _afterHandshake = [];

    private HubTestClient(ClientWebSocket socket, HttpMessageInvoker invoker, string connectionToken, bool reading)
    {
        _socket = socket;
        _invoker = invoker;
        ConnectionToken = connectionToken;
        if (reading)
        {
            _readGate.SetResult();
        }
    }

    /// <summary>The <c>id</c> the WebSocket request carried (it appears in the request log).</summary>
    public string ConnectionToken { get; }

    /// <summary>Completes when the connection ends (close message or socket closed).</summary>
    public Task<HubClose> Closed => _closed.Task;

    /// <summary>
    /// Connects to <c>/hubs/status</c>. <paramref name="reading"/> false makes a consumer that reads nothing until
    /// <see cref="StartReading"/>; <paramref name="receiveBuffer"/> sets its socket's receive buffer.
    /// </summary>
    public static async Task<HubTestClient> ConnectAsync(
        Uri server, string? accessToken = null, string? apiKey = null, string? origin = null, bool reading = true, int? receiveBuffer = null,
        CancellationToken cancellationToken = default)
    {
        var (connectionToken, _) = await NegotiateAsync(server, accessToken, apiKey, origin, cancellationToken);
        var socket = new ClientWebSocket();
        if (apiKey is not null)
        {
            socket.Options.SetRequestHeader("X-API-Key", apiKey);
        }
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }
        var query = $"id={Uri.EscapeDataString(connectionToken)}" + (accessToken is null ? "" : $"&access_token={Uri.EscapeDataString(accessToken)}");
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

        var client = new HubTestClient(socket, invoker, connectionToken, reading);
        await client.SendRecordAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var handshake = await client.ReadHandshakeAsync(cancellationToken);
        if (handshake.TryGetProperty("error", out var error))
        {
            throw new HubInvocationException("handshake: " + error.GetString());
        }
        client._receiving = client.ReceiveAsync();
        client._pinging = client.PingAsync();
        if (reading)
        {
            // The server handles invocations only after OnConnectedAsync (which joins the user stream): one round
            // trip, and the connection is fully set up.
            await client.UnsubscribeAsync("none");
        }
        return client;
    }

    /// <summary>POST /hubs/status/negotiate?negotiateVersion=1 as the JS client does (bearer header, or the API key).</summary>
    public static async Task<(string ConnectionToken, HttpResponseMessage Response)> NegotiateAsync(
        Uri server, string? accessToken, string? apiKey, string? origin = null, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/status/negotiate?negotiateVersion=1");
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        if (apiKey is not null)
        {
            request.Headers.Add("X-API-Key", apiKey);
        }
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"negotiate answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        return (body.GetProperty("connectionToken").GetString()!, response);
    }

    /// <summary>Calls a hub method and returns its result; a hub error throws <see cref="HubInvocationException"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string method, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        var message = JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments });
        await SendRecordAsync(message, CancellationToken.None);
        return await completion.Task.WaitAsync(DefaultWait);
    }

    /// <summary>Subscribe(stream, afterSeq): returns the <c>last_seq</c> of the answer.</summary>
    public async Task<long> SubscribeAsync(string stream, long? afterSeq = null)
    {
        var result = await InvokeAsync("Subscribe", stream, afterSeq);
        if (result.GetProperty("stream").GetString() != stream)
        {
            throw new InvalidOperationException("Subscribe answered for another stream: " + result);
        }
        return result.GetProperty("last_seq").GetInt64();
    }

    public Task UnsubscribeAsync(string stream) => InvokeAsync("Unsubscribe", stream);

    /// <summary>The next server invocation of any target; fails after <paramref name="timeout"/>.</summary>
    public async Task<HubInvocation> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        return await _invocations.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Reads invocations until an <c>event</c> matches; the ones before it are returned too, in order.</summary>
    public async Task<List<HubEvent>> EventsUntilAsync(Func<HubEvent, bool> last, TimeSpan? timeout = null)
    {
        var events = new List<HubEvent>();
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        while (true)
        {
            var invocation = await _invocations.Reader.ReadAsync(cts.Token);
            if (invocation.Target != "event")
            {
                continue;
            }
            var hubEvent = HubEvent.From(invocation.Argument);
            events.Add(hubEvent);
            if (last(hubEvent))
            {
                return events;
            }
        }
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

    /// <summary>Lets a paused consumer (or one made with reading: false) read again.</summary>
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

    private static async ValueTask<Stream> ConnectSocketAsync(SocketsHttpConnectionContext context, int? receiveBuffer, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer is { } size)
        {
            socket.ReceiveBufferSize = size;
        }
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
        // The handshake answer comes first; a server that ends the connection in OnConnectedAsync may send its
        // close message in the same frame, which the receive loop then handles first.
        var buffer = new byte[4096];
        var result = await _socket.ReceiveAsync(buffer, cancellationToken);
        var records = Encoding.UTF8.GetString(buffer, 0, result.Count).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
        _afterHandshake = records[1..];
        return JsonDocument.Parse(records[0]).RootElement.Clone();
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
            await _readGate.Task;
            foreach (var record in _afterHandshake)
            {
                close ??= Dispatch(JsonDocument.Parse(record).RootElement.Clone());
            }
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
                pending.TrySetException(new HubInvocationException("The connection closed."));
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
                        completion.TrySetException(new HubInvocationException(error.GetString()!));
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
