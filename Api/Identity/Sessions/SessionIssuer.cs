using Microsoft.Extensions.Options;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Identity.Users;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Identity.Sessions;

/// <summary>Starts and refreshes sessions: a session grain per login, a rotated refresh token, an access token.</summary>
internal sealed class SessionIssuer(
    IGrainFactory grains,
    AccessTokens tokens,
    IOptions<AuthOptions> options,
    TimeProvider clock,
    ILogger<SessionIssuer> logger)
{
    public async Task<SessionResponse> StartAsync(UserView user, string via, string? ip)
    {
        var sessionId = Guid.CreateVersion7().ToString();
        var refreshToken = SecretTokens.NewRefreshToken(sessionId);
        var now = clock.GetUtcNow();
        await grains.GetGrain<ISessionGrain>(sessionId).CallAsNewAsync(g => g.StartAsync(new StartSession(
            user.Id, SecretTokens.Hash(refreshToken), now + options.Value.RefreshTokenLifetime, now + options.Value.SessionLifetime, via, ip)));
        return Issue(user, sessionId, refreshToken);
    }

    /// <summary>The rotated session, or null when the token is not the current one of an active session.</summary>
    public async Task<SessionResponse?> RefreshAsync(string refreshToken, string? ip)
    {
        if (!SecretTokens.TryReadRefreshToken(refreshToken, out var sessionId))
        {
            return null;
        }
        var next = SecretTokens.NewRefreshToken(sessionId);
        var result = await grains.GetGrain<ISessionGrain>(sessionId).RefreshAsync(new RotateRefreshToken(
            SecretTokens.Hash(refreshToken), SecretTokens.Hash(next), clock.GetUtcNow() + options.Value.RefreshTokenLifetime, ip));
        if (result.Outcome != RefreshOutcome.Rotated)
        {
            if (result.Outcome == RefreshOutcome.Reused)
            {
                AuthLog.RefreshTokenReused(logger, sessionId);
            }
            else
            {
                AuthLog.RefreshRefused(logger, sessionId, result.Outcome.ToString());
            }
            return null;
        }
        var user = await grains.GetGrain<IUserGrain>(result.UserId!).GetAsync();
        return user is null ? null : Issue(user, sessionId, next);
    }

    private SessionResponse Issue(UserView user, string sessionId, string refreshToken) =>
        new(user.ToResponse(), tokens.Issue(user.Id, sessionId, user.Role), refreshToken, tokens.LifetimeSeconds);
}
