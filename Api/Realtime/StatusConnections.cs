using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Realtime.Policies;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// The hub's state on this node: every connection with its subscriptions, delivery through the hub context, and
/// the access rules (per-kind <see cref="IStreamAccessPolicy"/>, session revocation, workspace removal).
/// docs/realtime.md describes the guarantees.
/// </summary>
internal sealed class StatusConnections
{
    private const string Refusal = "Unknown stream, or not one you may read.";

    private readonly ConcurrentDictionary<string, StatusConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IStreamAccessPolicy> _policies;
    private readonly IHubContext<StatusHub> _hub;
    private readonly StreamSubscriptions _streams;
    private readonly IGrainFactory _grains;
    private readonly RealtimeOptions _options;
    private readonly ILogger _log;
    private readonly WorkspaceAccessWatch _watch;
    private readonly TimeProvider _clock;
    private readonly RealtimeMetrics _metrics;
    private readonly UserConnectionCounts _perUser = new();
    private volatile bool _closing;

    public StatusConnections(
        IHubContext<StatusHub> hub,
        StreamSubscriptions streams,
        IGrainFactory grains,
        IEnumerable<IStreamAccessPolicy> policies,
        IOptions<RealtimeOptions> options,
        TimeProvider clock,
        RealtimeMetrics metrics,
        ILogger<StatusHub> log)
    {
        _clock = clock;
        _metrics = metrics;
        _hub = hub;
        _streams = streams;
        _grains = grains;
        _options = options.Value;
        _log = log;
        _policies = policies.ToDictionary(policy => policy.Kind, StringComparer.Ordinal);
        _watch = new WorkspaceAccessWatch(streams, RevokeWorkspace);
    }

    public int Count => _connections.Count;

    /// <summary>Registers the connection, watches its session, and joins its own <c>user:{id}</c> stream.</summary>
    public async Task ConnectAsync(HubCallerContext context)
    {
        var caller = CallerOf(context);
        if (!_perUser.TryAcquire(caller.UserId, _options.MaxConnectionsPerUser))
        {
            RealtimeLog.TooManyConnections(_log, context.ConnectionId, caller.UserId, _options.MaxConnectionsPerUser);
            throw new HubException(
                $"Too many open connections: at most {_options.MaxConnectionsPerUser} per user. Close one and connect again.");
        }
        var connection = new StatusConnection(context, _hub.Clients.Client(context.ConnectionId), caller, _options.ConnectionBufferSize, _log, _metrics);
        _connections[connection.Id] = connection;
        connection.StartPump();
        try
        {
            var userStream = new StreamId(UserStreamAccess.StreamKind, caller.UserId);
            connection.CredentialWatch = await _streams.SubscribeAsync(
                userStream, null, new CredentialWatchSink(connection), context.ConnectionAborted);
            // A logout or revocation just before the watch began is not in it: the session or key itself says.
            if (await CredentialsValidUntilAsync(caller) is not { } validUntil)
            {
                connection.Close(CloseReasons.CredentialsInvalid, allowReconnect: false);
                return;
            }
            if (validUntil != DateTimeOffset.MaxValue)
            {
                connection.CloseAt(validUntil, _clock);
            }
            await SubscribeAsync(connection, userStream, _policies[UserStreamAccess.StreamKind], null, context.ConnectionAborted);
            if (_closing)
            {
                // Opened while the node closes its connections (CloseAll's snapshot may have missed it).
                connection.Close(CloseReasons.Shutdown, allowReconnect: true);
            }
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync after a failed OnConnectedAsync.
            await DisconnectAsync(connection.Id);
            throw;
        }
    }

    public async Task DisconnectAsync(string connectionId)
    {
        if (_connections.TryRemove(connectionId, out var connection))
        {
            _perUser.Release(connection.UserId);
            await connection.DisposeAsync();
        }
    }

    /// <summary>The node stops (<see cref="HubShutdown"/>): closes every connection, and those that connect from now on.</summary>
    public int CloseAll()
    {
        _closing = true;
        var open = _connections.Values.ToList();
        foreach (var connection in open)
        {
            connection.Close(CloseReasons.Shutdown, allowReconnect: true);
        }
        return open.Count;
    }

    /// <summary>Hub method Subscribe: checks the stream's policy, then replays after <paramref name="afterSeq"/> and goes live.</summary>
    public Task<SubscribeResult> SubscribeAsync(string connectionId, string stream, long? afterSeq, CancellationToken cancellationToken)
    {
        var connection = Find(connectionId);
        if (afterSeq < 0)
        {
            throw new HubException("afterSeq must be zero or more.");
        }
        if (!StreamId.TryParse(stream, out var id) || !Ids.IsPlausible(id.Key) || !_policies.TryGetValue(id.Namespace, out var policy))
        {
            RealtimeLog.Refused(_log, connectionId, stream);
            throw new HubException(Refusal);
        }
        return SubscribeAsync(connection, id, policy, afterSeq, cancellationToken);
    }

    /// <summary>Hub method Unsubscribe: ends the subscription if there is one.</summary>
    public void Unsubscribe(string connectionId, string stream)
    {
        if (StreamId.TryParse(stream, out var id))
        {
            Find(connectionId).Remove(id);
        }
    }

    /// <summary>Checks every connection's credentials and subscriptions again (<see cref="AccessRecheckService"/>).</summary>
    public async Task RecheckAsync(CancellationToken cancellationToken)
    {
        foreach (var connection in _connections.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (connection.IsClosed)
            {
                continue;
            }
            if (await CredentialsValidUntilAsync(connection.Caller) is null)
            {
                connection.Close(CloseReasons.CredentialsInvalid, allowReconnect: false);
                continue;
            }
            foreach (var sink in connection.Sinks)
            {
                if (!await _policies[sink.Stream.Namespace].CanReadAsync(connection.UserId, sink.Stream.Key, _grains, cancellationToken))
                {
                    connection.EndSubscription(sink, StreamEndReasons.AccessRevoked);
                }
            }
        }
    }

    private async Task<SubscribeResult> SubscribeAsync(
        StatusConnection connection, StreamId stream, IStreamAccessPolicy policy, long? afterSeq, CancellationToken cancellationToken)
    {
        // Follow the granting workspace before checking access, so a removal after the check is seen.
        var scope = stream.Namespace switch
        {
            WorkspaceStreamAccess.StreamKind => stream.Key,
            TaskStreamAccess.StreamKind => await TaskStreamAccess.WorkspaceOfAsync(stream.Key, _grains) ?? throw Refused(connection, stream),
            _ => null,
        };
        var lease = scope is null ? null : await _watch.AcquireAsync(scope, cancellationToken);
        var sink = new ConnectionStreamSink(connection, stream, scope, lease);
        try
        {
            var revocations = _watch.Revocations;
            if (!await policy.CanReadAsync(connection.UserId, stream.Key, _grains, cancellationToken))
            {
                throw Refused(connection, stream);
            }
            if (!connection.TryAdd(sink, _options.MaxSubscriptionsPerConnection))
            {
                throw new HubException("The connection is closing.");
            }
            var subscription = await _streams.SubscribeAsync(stream, afterSeq, sink, cancellationToken);
            sink.Attach(subscription);
            if (_watch.Revocations != revocations && !await policy.CanReadAsync(connection.UserId, stream.Key, _grains, cancellationToken))
            {
                throw Refused(connection, stream);
            }
            sink.GoLive();
            return new SubscribeResult(stream.ToString(), subscription.LastSeqAtSubscribe);
        }
        catch
        {
            connection.Remove(stream, sink);
            sink.End();
            throw;
        }
    }

    private HubException Refused(StatusConnection connection, StreamId stream)
    {
        RealtimeLog.Refused(_log, connection.Id, stream.ToString());
        return new HubException(Refusal);
    }

    private StatusConnection Find(string connectionId) =>
        _connections.TryGetValue(connectionId, out var connection) ? connection : throw new HubException("The connection is closing.");

    /// <summary>A removal (<paramref name="userId"/>) or deletion (null) on a followed workspace.</summary>
    private void RevokeWorkspace(string workspaceId, string? userId)
    {
        foreach (var connection in _connections.Values)
        {
            if (userId is null || connection.UserId == userId)
            {
                connection.RevokeWorkspace(workspaceId);
            }
        }
    }

    /// <summary>Until when the caller's credentials hold (a session's end; API keys do not expire), or null when they do not.</summary>
    private async Task<DateTimeOffset?> CredentialsValidUntilAsync(Caller caller)
    {
        if (caller.SessionId is { } sessionId)
        {
            return await _grains.GetGrain<ISessionGrain>(sessionId).GetAsync() is { Active: true } session && session.UserId == caller.UserId
                ? session.ExpiresAt
                : null;
        }
        if (caller is { ApiKeyId: { } keyId, ApiKeySecretHash: { } hash })
        {
            return await _grains.GetGrain<IApiKeyGrain>(keyId).VerifyAsync(hash) is { } key && key.OwnerId == caller.UserId
                ? DateTimeOffset.MaxValue
                : null;
        }
        return null;
    }

    private static Caller CallerOf(HubCallerContext context)
    {
        var user = context.User ?? throw new HubException("Not authenticated.");
        var apiKey = context.GetHttpContext()?.Request.Headers[HubAuthentication.ApiKeyHeader].ToString();
        return new Caller(
            user.UserId(),
            user.SessionId(),
            user.ApiKeyId(),
            string.IsNullOrEmpty(apiKey) ? null : SecretTokens.Hash(apiKey));
    }

    /// <summary>Ends the connection when its session (logout, refresh-token reuse) or its API key is revoked.</summary>
    private sealed class CredentialWatchSink(StatusConnection connection) : IStreamSink
    {
        public bool TryDeliver(StoredStreamEvent streamEvent)
        {
            var caller = connection.Caller;
            if (caller.SessionId is { } sessionId && AccessEvents.RevokedSession(streamEvent) == sessionId)
            {
                connection.Close(CloseReasons.SessionEnded, allowReconnect: false);
            }
            else if (caller.ApiKeyId is { } keyId && AccessEvents.RevokedApiKey(streamEvent) == keyId)
            {
                connection.Close(CloseReasons.ApiKeyRevoked, allowReconnect: false);
            }
            return true;
        }

        public void Closed(StreamCloseReason reason)
        {
        }
    }
}
