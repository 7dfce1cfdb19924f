using OrleansHub.Grains.Identity;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Grains.Tests.Identity;

/// <summary>The refresh-token state machine on its state record (no runtime involved).</summary>
public sealed class SessionStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static SessionState Started() => SessionState.Start(
        "s1", new StartSession("u1", "h0", Now.AddDays(7), Now.AddDays(30), "password", null), Now);

    [Fact]
    public void TheCurrentTokenRotatesExactlyOnce()
    {
        var (next, outcome) = Started().Refresh("h0", "h1", Now.AddDays(8), Now.AddMinutes(1));

        Assert.Equal(RefreshOutcome.Rotated, outcome);
        Assert.Equal("h1", next.RefreshTokenHash);
        Assert.Equal(["h0"], next.UsedRefreshTokenHashes.ToArray());
        Assert.Equal(1, next.Rotations);
        Assert.True(next.IsActive(Now.AddMinutes(1)));

        var (_, again) = next.Refresh("h1", "h2", Now.AddDays(8), Now.AddMinutes(2));
        Assert.Equal(RefreshOutcome.Rotated, again);
    }

    [Fact]
    public void AReplayedTokenRevokesTheWholeSession()
    {
        var (rotated, _) = Started().Refresh("h0", "h1", Now.AddDays(8), Now.AddMinutes(1));

        var (next, outcome) = rotated.Refresh("h0", "attacker", Now.AddDays(8), Now.AddMinutes(2));

        Assert.Equal(RefreshOutcome.Reused, outcome);
        Assert.Equal(Now.AddMinutes(2), next.RevokedAt);
        Assert.Equal(RevocationReasons.RefreshTokenReused, next.RevokedReason);
        Assert.False(next.IsActive(Now.AddMinutes(2)));
        Assert.Equal("h1", next.RefreshTokenHash);

        // The legitimate holder's newest token dies with the session.
        var (_, newest) = next.Refresh("h1", "h2", Now.AddDays(8), Now.AddMinutes(3));
        Assert.Equal(RefreshOutcome.Revoked, newest);
    }

    [Fact]
    public void AnUnknownTokenChangesNothing()
    {
        var session = Started();

        var (next, outcome) = session.Refresh("never-issued", "h1", Now.AddDays(8), Now.AddMinutes(1));

        Assert.Equal(RefreshOutcome.Invalid, outcome);
        Assert.Same(session, next);
    }

    [Fact]
    public void AnExpiredRefreshTokenIsRefusedWithoutRevoking()
    {
        var session = Started();

        var (next, outcome) = session.Refresh("h0", "h1", Now.AddDays(30), Now.AddDays(7));

        Assert.Equal(RefreshOutcome.Expired, outcome);
        Assert.Null(next.RevokedAt);
    }

    [Fact]
    public void RotationNeverOutlivesTheSession()
    {
        var (next, _) = Started().Refresh("h0", "h1", Now.AddDays(90), Now.AddDays(1));

        Assert.Equal(Now.AddDays(30), next.RefreshTokenExpiresAt);
        Assert.False(next.IsActive(Now.AddDays(30)));
        Assert.Equal(RefreshOutcome.Expired, next.Refresh("h1", "h2", Now.AddDays(40), Now.AddDays(30)).Outcome);
    }

    [Fact]
    public void RevocationKeepsTheFirstReason()
    {
        var revoked = Started().Revoke(Now.AddMinutes(1), RevocationReasons.Logout);

        var again = revoked.Revoke(Now.AddMinutes(2), "other");

        Assert.Equal(RevocationReasons.Logout, again.RevokedReason);
        Assert.Equal(Now.AddMinutes(1), again.RevokedAt);
        Assert.Equal(RefreshOutcome.Revoked, again.Refresh("h0", "h1", Now.AddDays(8), Now.AddMinutes(3)).Outcome);
    }

    [Fact]
    public void OnlyABoundedNumberOfUsedTokensIsRemembered()
    {
        var session = Started();
        for (var i = 0; i < SessionState.RememberedUsedTokens + 5; i++)
        {
            session = session.Refresh($"h{i}", $"h{i + 1}", Now.AddDays(7), Now.AddMinutes(1)).Next;
        }

        Assert.Equal(SessionState.RememberedUsedTokens, session.UsedRefreshTokenHashes.Length);
        Assert.Equal(RefreshOutcome.Invalid, session.Refresh("h0", "x", Now.AddDays(7), Now.AddMinutes(2)).Outcome);
        Assert.Equal(RefreshOutcome.Reused, session.Refresh("h5", "x", Now.AddDays(7), Now.AddMinutes(2)).Outcome);
    }

    [Fact]
    public void ANeverStartedSessionIsInactiveAndRefusesTokens()
    {
        var empty = new SessionState();

        Assert.False(empty.IsActive(Now));
        Assert.Equal(RefreshOutcome.Invalid, empty.Refresh("", "h1", Now.AddDays(1), Now).Outcome);
    }
}
