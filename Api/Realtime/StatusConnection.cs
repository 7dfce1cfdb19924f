using System.Threading.Channels;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// One hub connection: its subscriptions and its outbox, drained in order by one pump task that sends through
/// the hub context. Producers (stream sinks) never wait: live events beyond the buffer close the connection.
/// </summary>
internal sealed class StatusConnection
{
    // Timers take at most ~49 days; a session may last longer.
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(30);

    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<StreamId, ConnectionStreamSink> _sinks = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HubCallerContext _context;
    private readonly ISingleClientProxy _client;
    private readonly int _capacity;
    private readonly ILogger _log;
    private readonly RealtimeMetrics _metrics;
    private int _liveQueued;
    private int _closed;

    public StatusConnection(
        HubCallerContext context, ISingleClientProxy client, Caller caller, int capacity, ILogger log, RealtimeMetrics metrics)
    {
        _metrics = metrics;
        _context = context;
        _client = client;
        Caller = caller;
        _capacity = capacity;
        _log = log;
    }

    public string Id => _context.ConnectionId;

    public Caller Caller { get; }

    public string UserId => Caller.UserId;

    /// <summary>Watches <c>user:{id}</c> for the revocation of this connection's session or API key.</summary>
    public IAsyncDisposable? CredentialWatch { get; set; }

    public Task Pump { get; private set; } = Task.CompletedTask;

    public bool IsClosed => Volatile.Read(ref _closed) == 1;

    public void StartPump() => Pump = PumpAsync(_stopping.Token);

    /// <summary>
    /// Closes the connection, not to reconnect, when its credentials run out at <paramref name="expiresAt"/> (a
    /// session's end). Waits in steps a timer can take; stops when the connection goes.
    /// </summary>
    public void CloseAt(DateTimeOffset expiresAt, TimeProvider clock)
    {
        var stopping = _stopping.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                while (expiresAt - clock.GetUtcNow() is { Ticks: > 0 } left)
                {
                    await Task.Delay(left < MaxTimerWait ? left : MaxTimerWait, clock, stopping);
                }
                Close(CloseReasons.CredentialsExpired, allowReconnect: false);
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
    }

    /// <summary>Queues an event; false (and the connection closes) when live events exceed the buffer.</summary>
    public bool Enqueue(ConnectionStreamSink sink, StoredStreamEvent streamEvent, bool live)
    {
        if (IsClosed)
        {
            return true;
        }
        if (live && Interlocked.Increment(ref _liveQueued) > _capacity)
        {
            Interlocked.Decrement(ref _liveQueued);
            return false;
        }
        _outbox.Writer.TryWrite(new Outgoing(sink, streamEvent, live, null));
        return true;
    }

    /// <summary>Registers <paramref name="sink"/> as the connection's subscription to its stream, ending any earlier one.</summary>
    public bool TryAdd(ConnectionStreamSink sink, int maxSubscriptions)
    {
        ConnectionStreamSink? replaced;
        lock (_lock)
        {
            if (IsClosed)
            {
                return false;
            }
            if (!_sinks.TryGetValue(sink.Stream, out replaced) && _sinks.Count >= maxSubscriptions)
            {
                throw new HubException($"At most {maxSubscriptions} subscriptions per connection.");
            }
            _sinks[sink.Stream] = sink;
        }
        replaced?.End();
        return true;
    }

    /// <summary>Ends the subscription to <paramref name="stream"/> if <paramref name="sink"/> (or any, when null) is it.</summary>
    public bool Remove(StreamId stream, ConnectionStreamSink? sink = null)
    {
        ConnectionStreamSink? removed;
        lock (_lock)
        {
            if (!_sinks.TryGetValue(stream, out removed) || (sink is not null && removed != sink))
            {
                return false;
            }
            _sinks.Remove(stream);
        }
        removed.End();
        return true;
    }

    public IReadOnlyList<ConnectionStreamSink> Sinks
    {
        get
        {
            lock (_lock)
            {
                return [.. _sinks.Values];
            }
        }
    }

    /// <summary>Ends the subscription and tells the client why (nothing more of the stream follows).</summary>
    public void EndSubscription(ConnectionStreamSink sink, string reason)
    {
        if (Remove(sink.Stream, sink))
        {
            RealtimeLog.SubscriptionEnded(_log, Id, sink.Stream.ToString(), reason);
            _outbox.Writer.TryWrite(new Outgoing(null, null, false, new StreamEnded(sink.Stream.ToString(), reason)));
        }
    }

    /// <summary>Access to the workspace was lost: ends the subscriptions it granted (the workspace's and its tasks').</summary>
    public void RevokeWorkspace(string workspaceId)
    {
        foreach (var sink in Sinks.Where(s => s.WorkspaceScope == workspaceId))
        {
            EndSubscription(sink, StreamEndReasons.AccessRevoked);
        }
    }

    public void SubscriptionClosed(ConnectionStreamSink sink, StreamCloseReason reason)
    {
        if (reason == StreamCloseReason.Overflow)
        {
            RealtimeLog.Overflow(_log, Id, UserId, Volatile.Read(ref _liveQueued));
        }
        // Overflow: the client resumes by seq on a new connection. Shutdown: it reconnects to another node.
        Close(reason == StreamCloseReason.Overflow ? CloseReasons.Overflow : CloseReasons.Shutdown, allowReconnect: true);
    }

    /// <summary>
    /// Closes the connection. With <paramref name="allowReconnect"/> the client is told it may reconnect (SignalR's
    /// close message); otherwise (session ended) it is told not to.
    /// </summary>
    public void Close(string reason, bool allowReconnect)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }
        RealtimeLog.Closed(_log, Id, reason);
        _metrics.Closed(reason);
        _outbox.Writer.TryComplete();
        if (allowReconnect && _context.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            lifetime.RequestClose();
        }
        else
        {
            _context.Abort();
        }
    }

    /// <summary>The connection is gone: stop the pump and every subscription.</summary>
    public async Task DisposeAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        _outbox.Writer.TryComplete();
        await _stopping.CancelAsync();
        List<ConnectionStreamSink> sinks;
        lock (_lock)
        {
            sinks = [.. _sinks.Values];
            _sinks.Clear();
        }
        foreach (var sink in sinks)
        {
            sink.End();
        }
        if (CredentialWatch is { } watch)
        {
            await watch.DisposeAsync();
        }
        await Pump;
        _stopping.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var reader = _outbox.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item))
                {
                    if (item.Live)
                    {
                        Interlocked.Decrement(ref _liveQueued);
                    }
                    if (item.Event is { } streamEvent)
                    {
                        if (!item.Sink!.Ended)
                        {
                            await _client.SendAsync(StatusClientMethods.Event, StatusEvent.From(streamEvent), cancellationToken);
                            _metrics.Sent();
                        }
                    }
                    else if (item.Ended is { } ended)
                    {
                        await _client.SendAsync(StatusClientMethods.Unsubscribed, ended, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            RealtimeLog.SendFailed(_log, Id, exception);
            Close(CloseReasons.SendFailed, allowReconnect: true);
        }
    }

    private readonly record struct Outgoing(ConnectionStreamSink? Sink, StoredStreamEvent? Event, bool Live, StreamEnded? Ended);
}

/// <summary>Who is connected, as authenticated at connect.</summary>
internal sealed record Caller(string UserId, string? SessionId, string? ApiKeyId, string? ApiKeySecretHash);
