using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansHub.Api.Tests.Realtime.Client;

/// <summary>
/// The official .NET SignalR client (<see cref="HubConnectionBuilder"/>: WebSockets, JSON protocol, the bearer token
/// from <c>AccessTokenProvider</c>) on <c>/hubs/status</c>, with what the hub tests wait on: the server's invocations
/// (<c>event</c>, <c>unsubscribed</c>) in a channel fed by <c>On</c> handlers, and how the connection ended.
/// </summary>
public sealed class StatusHubClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(20);
    private const string ServerClosePrefix = "The server closed the connection with the following error: ";

    private readonly Channel<HubInvocation> _invocations = Channel.CreateUnbounded<HubInvocation>();
    private readonly TaskCompletionSource<HubClose> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CloseObserver _retry = new();

    private StatusHubClient(Uri hub, string? accessToken, string? apiKey, string? origin)
    {
        Connection = new HubConnectionBuilder()
            .WithUrl(hub, HttpTransportType.WebSockets, options =>
            {
                if (accessToken is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                }
                if (apiKey is not null)
                {
                    options.Headers["X-API-Key"] = apiKey;
                }
                if (origin is not null)
                {
                    options.Headers["Origin"] = origin;
                }
            })
            .AddJsonProtocol()
            .WithAutomaticReconnect(_retry)
            .Build();
        Connection.On<JsonElement>("event", argument => _invocations.Writer.TryWrite(new HubInvocation("event", argument)));
        Connection.On<JsonElement>("unsubscribed", argument => _invocations.Writer.TryWrite(new HubInvocation("unsubscribed", argument)));
        Connection.Closed += exception =>
        {
            _closed.TrySetResult(ToClose(exception, _retry.Asked));
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Completes when the connection ends (the server's close message, or the transport closed).</summary>
    public Task<HubClose> Closed => _closed.Task;

    /// <summary>
    /// Connects to <c>/hubs/status</c> (negotiate, then the WebSocket). <paramref name="ready"/> waits for one round
    /// trip: the server handles invocations only after OnConnectedAsync (which joins the user stream), so the
    /// connection is then fully set up; a connection the server refuses there fails that call with a
    /// <see cref="HubException"/>. A negotiate the server refuses throws <see cref="HttpRequestException"/> with
    /// its status code. <paramref name="query"/> is added to the hub's URL as a browser would (the client keeps it
    /// on negotiate and on the WebSocket request).
    /// </summary>
    public static async Task<StatusHubClient> ConnectAsync(
        Uri server, string? accessToken = null, string? apiKey = null, string? origin = null, string? query = null, bool ready = true)
    {
        var hub = new UriBuilder(server) { Path = "/hubs/status", Query = query ?? "" }.Uri;
        var client = new StatusHubClient(hub, accessToken, apiKey, origin);
        try
        {
            using var timeout = new CancellationTokenSource(DefaultWait);
            await client.Connection.StartAsync(timeout.Token);
            if (ready)
            {
                await client.UnsubscribeAsync("none");
            }
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Calls a hub method and returns its result; a hub error throws <see cref="HubException"/>.</summary>
    public Task<JsonElement> InvokeAsync(string method, params object?[] arguments) =>
        Connection.InvokeCoreAsync<JsonElement>(method, arguments).WaitAsync(DefaultWait);

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

    public Task UnsubscribeAsync(string stream) => Connection.InvokeCoreAsync("Unsubscribe", [stream]).WaitAsync(DefaultWait);

    /// <summary>The next server invocation of any target; fails after <paramref name="timeout"/>.</summary>
    public async Task<HubInvocation> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        return await _invocations.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Reads invocations until an <c>event</c> matches; the events before it are returned too, in order.</summary>
    public async Task<List<HubEvent>> EventsUntilAsync(Func<HubEvent, bool> last, TimeSpan? timeout = null) =>
        [.. (await InvocationsUntilAsync(last, timeout)).Where(i => i.Target == "event").Select(i => HubEvent.From(i.Argument))];

    /// <summary>
    /// Reads invocations of every target until an <c>event</c> matches, and returns all of them with it. The client
    /// runs <c>On</c> handlers in order on a loop of their own, so an awaited call's answer does not mean the
    /// invocations before it were handled: a test that shows nothing arrived waits for a marker event instead.
    /// </summary>
    public async Task<List<HubInvocation>> InvocationsUntilAsync(Func<HubEvent, bool> last, TimeSpan? timeout = null)
    {
        var invocations = new List<HubInvocation>();
        using var cts = new CancellationTokenSource(timeout ?? DefaultWait);
        while (true)
        {
            var invocation = await _invocations.Reader.ReadAsync(cts.Token);
            invocations.Add(invocation);
            if (invocation.Target == "event" && last(HubEvent.From(invocation.Argument)))
            {
                return invocations;
            }
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    // The client raises Closed with the close message's error as a HubException (null without one). A close
    // message with allowReconnect false stops it from consulting its retry policy; anything else asks it.
    private static HubClose ToClose(Exception? exception, bool reconnectAllowed) => exception switch
    {
        HubException { Message: var message } when message.StartsWith(ServerClosePrefix, StringComparison.Ordinal) =>
            new HubClose(true, message[ServerClosePrefix.Length..], reconnectAllowed),
        _ => new HubClose(!reconnectAllowed, null, reconnectAllowed),
    };

    /// <summary>A retry policy that never retries and remembers being asked: asked means the end allowed a reconnect.</summary>
    private sealed class CloseObserver : IRetryPolicy
    {
        private volatile bool _asked;

        public bool Asked => _asked;

        public TimeSpan? NextRetryDelay(RetryContext retryContext)
        {
            _asked = true;
            return null;
        }
    }
}
