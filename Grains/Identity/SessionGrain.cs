using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Grains.Identity;

/// <summary>
/// A login session. Its activation is the cache every authenticated request consults, so revocation is
/// seen by the next request.
/// </summary>
[GrainType("session")]
public sealed class SessionGrain(
    [OutboxState("session")] IOutboxState<SessionState> state,
    TimeProvider clock) : Grain, ISessionGrain
{
    public async Task<SessionView> StartAsync(StartSession command)
    {
        if (state.State.Exists)
        {
            throw new ConflictException("This session exists already.");
        }
        var now = IdentityClock.Now(clock);
        state.State = SessionState.Start(this.GetPrimaryKeyString(), command, now);
        await state.WriteStateAsync([],
            [AuditLog.Entry(now, command.UserId, AuditActions.Login, Target, command.Ip, new { session_id = state.State.Id, via = command.Via })]);
        return state.State.ToView(now);
    }

    public async Task<RefreshResult> RefreshAsync(RotateRefreshToken command)
    {
        var now = IdentityClock.Now(clock);
        var (next, outcome) = state.State.Refresh(command.PresentedTokenHash, command.NewTokenHash, command.NewTokenExpiresAt, now);
        state.State = next;
        if (outcome == RefreshOutcome.Rotated)
        {
            await state.WriteStateAsync();
        }
        else if (outcome == RefreshOutcome.Reused)
        {
            await WriteRevocationAsync(now, AuditActions.RefreshTokenReused, null, command.Ip);
        }
        return new RefreshResult(outcome, state.State.Exists ? state.State.UserId : null);
    }

    public async Task RevokeAsync(RevokeSession command)
    {
        var now = IdentityClock.Now(clock);
        if (!state.State.Exists || state.State.RevokedAt is not null)
        {
            return;
        }
        state.State = state.State.Revoke(now, command.Reason);
        var action = command.Reason == RevocationReasons.Logout ? AuditActions.Logout : AuditActions.SessionRevoked;
        await WriteRevocationAsync(now, action, command.ActorId, command.Ip);
    }

    public Task<SessionView?> GetAsync() =>
        Task.FromResult(state.State.Exists ? state.State.ToView(IdentityClock.Now(clock)) : null);

    private string Target => $"session:{this.GetPrimaryKeyString()}";

    // The event on user:{id} lets the hub end this session's live connections.
    private Task WriteRevocationAsync(DateTimeOffset now, string action, string? actorId, string? ip)
    {
        var session = state.State;
        var reason = session.RevokedReason ?? action;
        return state.WriteStateAsync(
            [new StreamEvent(new StreamId(StreamNames.User, session.UserId), IdentityEvent.SessionRevokedType, new SessionRevoked(session.Id, reason))],
            [AuditLog.Entry(now, actorId ?? session.UserId, action, Target, ip, new { reason })]);
    }
}
